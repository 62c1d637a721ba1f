/** The audit screen's filters as the query of GET /v1/audit-events. */
import { localInstant } from "./localTime";

export interface AuditFilters {
  actor: string;
  action: string;
  outcome: string;
  clinic: string;
  /** Local days (YYYY-MM-DD), `from` to `to` inclusive; empty: unbounded. */
  from: string;
  to: string;
}

export const NO_FILTERS: AuditFilters = { actor: "", action: "", outcome: "", clinic: "", from: "", to: "" };
export const PAGE_SIZE = 50;

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Only the filters set; days are whole days in `zone` (`until` is exclusive: the day after `to`). */
export function auditQuery(filters: AuditFilters, zone: string, cursor?: string) {
  const query: {
    actor_id?: string;
    action?: string;
    outcome?: string;
    clinic_id?: string;
    since?: string;
    until?: string;
    cursor?: string;
    limit: number;
  } = { limit: PAGE_SIZE };
  if (filters.actor) query.actor_id = filters.actor;
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.outcome) query.outcome = filters.outcome;
  if (filters.clinic) query.clinic_id = filters.clinic;
  if (filters.from) query.since = localInstant(filters.from, 0, 0, zone).toISOString();
  if (filters.to) query.until = localInstant(nextDay(filters.to), 0, 0, zone).toISOString();
  if (cursor) query.cursor = cursor;
  return query;
}

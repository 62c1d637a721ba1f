/** The dashboard's filters as they stand in the address (shareable, printable) and the ranges they ask for. */
import type { paths } from "../../../api/schema";
import { addDays, isDay } from "../../desk/zone";

export type Period = "day" | "week" | "month";
export const PERIODS: readonly Period[] = ["day", "week", "month"];
export type SummaryQuery = paths["/v1/reports/summary"]["get"]["parameters"]["query"];

/** `clinic` null: every clinic of the network (org admins only). */
export interface Filters {
  clinic: string | null;
  provider: string | null;
  type: string | null;
  period: Period;
  from: string;
  to: string;
}

export const ALL_CLINICS = "all";
/** The API's limit on a range (both days included). */
export const MAX_DAYS = 732;

/** Days from `from` to `to`, both included. */
export function spanDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The last four weeks, today included. */
export function defaultRange(today: string): { from: string; to: string } {
  return { from: addDays(today, -27), to: today };
}

/** The range of the same length that ends the day before `from`. */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const days = spanDays(from, to);
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

export function validRange(from: string, to: string): boolean {
  return isDay(from) && isDay(to) && from <= to && spanDays(from, to) <= MAX_DAYS;
}

/** The API's query for these filters, over `range` (the shown one or the previous one). */
export function summaryQuery(filters: Filters, range: { from: string; to: string } = filters): SummaryQuery {
  return {
    from: range.from,
    to: range.to,
    period: filters.period,
    ...(filters.clinic ? { clinic: filters.clinic } : {}),
    ...(filters.clinic && filters.provider ? { provider: filters.provider } : {}),
    ...(filters.clinic && filters.type ? { type: filters.type } : {}),
  };
}

/** Filters from the address, each missing one at its default. */
export function readFilters(params: URLSearchParams, defaults: { clinic: string | null; today: string }): Filters {
  const range = defaultRange(defaults.today);
  const from = params.get("from");
  const to = params.get("to");
  const period = params.get("period");
  const clinicParam = params.get("clinic");
  const clinic = clinicParam === ALL_CLINICS ? null : (clinicParam ?? defaults.clinic);
  return {
    clinic,
    provider: params.get("provider") || null,
    type: params.get("type") || null,
    period: PERIODS.includes(period as Period) ? (period as Period) : "day",
    // As typed, even half-typed: the page says what is wrong rather than snapping back.
    from: from ?? range.from,
    to: to ?? range.to,
  };
}

export function writeFilters(filters: Filters): URLSearchParams {
  const params = new URLSearchParams({ clinic: filters.clinic ?? ALL_CLINICS, period: filters.period, from: filters.from, to: filters.to });
  if (filters.provider) params.set("provider", filters.provider);
  if (filters.type) params.set("type", filters.type);
  return params;
}

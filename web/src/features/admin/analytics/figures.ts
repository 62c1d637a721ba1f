/** Which figures the dashboard shows, how each reads, and its change on the previous range in words. */
import type { components } from "../../../api/schema";
import { displayLocale } from "../../../lib/format";

export type Row = components["schemas"]["SummaryRow"];
export type Summary = components["schemas"]["Summary"];
type Kind = "count" | "rate" | "hours";
type NumericKey = { [K in keyof Row]: Row[K] extends number | null ? K : never }[keyof Row];
/** The namespace's t with keys built at run time (figure.<column>), which typed keys cannot follow. */
export type T = (key: string, options?: Record<string, unknown>) => string;

export interface Figure {
  key: NumericKey;
  kind: Kind;
}

/** The cards, in reading order. */
export const FIGURES: readonly Figure[] = [
  { key: "booked", kind: "count" },
  { key: "cancelled", kind: "count" },
  { key: "rescheduled", kind: "count" },
  { key: "completed", kind: "count" },
  { key: "no_shows", kind: "count" },
  { key: "no_show_rate", kind: "rate" },
  { key: "utilisation", kind: "rate" },
  { key: "average_lead_time_hours", kind: "hours" },
  { key: "walk_ins", kind: "count" },
  { key: "waitlist_fills", kind: "count" },
  { key: "reminder_delivery_rate", kind: "rate" },
  { key: "booked_offline", kind: "count" },
];

export function formatValue(value: number | null, kind: Kind, language: string, t: T): string {
  if (value === null) {
    return t("value.none");
  }
  const locale = displayLocale(language);
  if (kind === "rate") {
    return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value);
  }
  if (kind === "hours") {
    return t("value.hours", { value: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value) });
  }
  return new Intl.NumberFormat(locale).format(value);
}

/** "4 weeks" or "10 days": how long the previous range is. */
export function spanWords(days: number, t: T): string {
  return days % 7 === 0 ? t("span.weeks", { count: days / 7 }) : t("span.days", { count: days });
}

function signed(value: number, locale: string, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(locale, { signDisplay: "exceptZero", maximumFractionDigits: 1, ...options }).format(value);
}

/**
 * The change on the previous range as a sentence: counts in per cent of the previous figure,
 * rates in percentage points (a per cent of a per cent misleads), hours in hours.
 */
export function describeChange(current: number | null, previous: number | null, kind: Kind, span: string, language: string, t: T): string {
  if (current === null || previous === null) {
    return t("change.unknown", { span });
  }
  const locale = displayLocale(language);
  const delta = current - previous;
  if (Math.abs(delta) < 1e-9) {
    return t("change.same", { span });
  }
  if (kind === "count") {
    if (previous === 0) {
      return t("change.fromZero", { span });
    }
    return t("change.percent", { change: signed((delta / previous) * 100, locale, { maximumFractionDigits: 0 }), span });
  }
  if (kind === "rate") {
    return t("change.points", { change: signed(delta * 100, locale), span });
  }
  return t("change.hours", { change: signed(delta, locale), span });
}

/** A bucket's name as people read it: "Mon 2 Mar", "week 10 (from 2 Mar)", "March 2026". */
import { displayLocale } from "../../../lib/format";
import type { Period } from "./range";

type T = (key: string, options?: Record<string, unknown>) => string;

// A local day named at noon UTC reads the same day in every locale (zone UTC).
const noon = (day: string) => new Date(`${day}T12:00:00Z`);

export function dayLabel(day: string, language: string): string {
  return new Intl.DateTimeFormat(displayLocale(language), { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(noon(day));
}

export function longDay(day: string, language: string): string {
  return new Intl.DateTimeFormat(displayLocale(language), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(noon(day));
}

export function periodLabel(row: { period: string; first_day: string }, period: Period, language: string, t: T): string {
  if (row.period === "total") {
    return t("table.total");
  }
  if (period === "week") {
    return t("table.week", { week: Number(row.period.split("-W")[1]), from: dayLabel(row.first_day, language) });
  }
  if (period === "month") {
    return new Intl.DateTimeFormat(displayLocale(language), { month: "long", year: "numeric", timeZone: "UTC" }).format(noon(row.first_day));
  }
  return dayLabel(row.first_day, language);
}

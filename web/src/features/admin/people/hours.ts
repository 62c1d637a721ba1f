/** Opening hours as the form edits them (periods per weekday) and as the API stores them. */
import type { components } from "../../../api/schema";

export type Period = components["schemas"]["OpeningPeriod"];
export type Weekday = Period["day"];
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export type HoursForm = Record<Weekday, { opens: string; closes: string }[]>;

const hhmm = (time: string) => time.slice(0, 5);

export function hoursForm(periods: Period[]): HoursForm {
  const form = Object.fromEntries(WEEKDAYS.map((day) => [day, [] as { opens: string; closes: string }[]])) as HoursForm;
  for (const period of [...periods].sort((a, b) => a.opens.localeCompare(b.opens))) {
    form[period.day].push({ opens: hhmm(period.opens), closes: hhmm(period.closes) });
  }
  return form;
}

/** The periods to send, in weekday order, with where each came from in the form (for errors). */
export function periodsOf(form: HoursForm): { periods: Period[]; paths: string[] } {
  const periods: Period[] = [];
  const paths: string[] = [];
  for (const day of WEEKDAYS) {
    form[day].forEach((period, index) => {
      periods.push({ day, opens: period.opens, closes: period.closes });
      paths.push(`hours.${day}.${index}`);
    });
  }
  return { periods, paths };
}

/** "opening_hours.3.closes" as the API names it -> "hours.thu.0.closes" in the form. */
export function formPath(field: string, paths: string[]): string {
  const match = /^opening_hours\.(\d+)(\..+)?$/.exec(field);
  if (!match) {
    return field;
  }
  const path = paths[Number(match[1])];
  return path ? `${path}${match[2] ?? ""}` : "opening_hours";
}

/**
 * Clinic-local calendar arithmetic: a local day's bounds as instants and where an instant falls
 * in it, in the clinic's IANA zone whatever the device's own zone is (DST included).
 */
import { zoneOffsetMinutes } from "../../components/booking/days";
import { localDay } from "../../lib/format";

/** The zone's offset from UTC at an instant, in milliseconds (Nairobi: +3 h). */
export function offsetMs(instant: Date, zone: string): number {
  return zoneOffsetMinutes(zone, instant) * 60_000;
}

/** The instant a local wall-clock time happens in the zone (the later guess across a gap). */
export function zonedInstant(day: string, minutes: number, zone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let guess = wall - offsetMs(new Date(wall), zone);
  guess = wall - offsetMs(new Date(guess), zone);
  return new Date(guess);
}

/** Local midnight of a day, as an instant. */
export function dayStart(day: string, zone: string): Date {
  return zonedInstant(day, 0, zone);
}

/** YYYY-MM-DD plus n days (calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The Monday of the week a day is in. */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** Today in the zone. */
export function today(zone: string, now: Date = new Date()): string {
  return localDay(now, zone);
}

/** Minutes from the local day's midnight to an instant (negative before, > 1440 after). */
export function minutesInto(day: string, instant: string | Date, zone: string): number {
  const at = typeof instant === "string" ? new Date(instant) : instant;
  return (at.getTime() - dayStart(day, zone).getTime()) / 60_000;
}

export function isDay(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

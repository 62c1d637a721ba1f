/**
 * Calendar days of a clinic: a day is a YYYY-MM-DD string in the clinic's zone, whatever zone
 * the device is in. Instants go to the API as ISO strings with the clinic's offset.
 */
import { localDay } from "../../lib/format";

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function parts(zone: string, at: Date): Record<string, number> {
  let format = partsFormat.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partsFormat.set(zone, format);
  }
  const out: Record<string, number> = {};
  for (const part of format.formatToParts(at)) {
    if (part.type !== "literal") {
      out[part.type] = Number(part.value);
    }
  }
  return out;
}

/** The zone's offset from UTC at an instant, in minutes (Nairobi: 180). */
export function zoneOffsetMinutes(zone: string, at: Date): number {
  const p = parts(zone, at);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** The instant a clinic-local day begins (midnight, or the first minute after a DST gap). */
export function dayStart(day: string, zone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  let guess = utc - zoneOffsetMinutes(zone, new Date(utc)) * 60000;
  guess = utc - zoneOffsetMinutes(zone, new Date(guess)) * 60000;
  return new Date(guess);
}

/** The day `n` days after `day` (n may be negative). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** An instant as ISO 8601 with the zone's offset, e.g. 2026-12-07T00:00:00+03:00. */
export function isoInZone(at: Date, zone: string): string {
  const offset = zoneOffsetMinutes(zone, at);
  const local = new Date(at.getTime() + offset * 60000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local}${sign}${hh}:${mm}`;
}

/** [from, to) of `count` clinic-local days starting with `day`, for the API. */
export function daysRange(day: string, zone: string, count = 1): { from: string; to: string } {
  return {
    from: isoInZone(dayStart(day, zone), zone),
    to: isoInZone(dayStart(addDays(day, count), zone), zone),
  };
}

/** Today in the clinic. */
export function clinicToday(zone: string, now: Date = new Date()): string {
  return localDay(now, zone);
}

/** `count` consecutive days from `first`. */
export function dayList(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(first, i));
}

/** A day string as a Date at noon UTC, for formatting its weekday and date in the zone. */
export function dayAsInstant(day: string, zone: string): Date {
  return new Date(dayStart(day, zone).getTime() + 12 * 3600_000);
}

export function isDay(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

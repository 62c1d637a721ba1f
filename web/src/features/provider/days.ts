/**
 * Calendar days of a clinic: "YYYY-MM-DD" strings in the clinic's zone, and the instants where
 * they begin. Days are not 24 hours everywhere (DST), so bounds are computed per day.
 */
import { localDay } from "../../lib/format";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today in `zone`. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return localDay(now, zone);
}

export function isDay(value: string | null | undefined): value is string {
  return !!value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

function parts(day: string): [number, number, number] {
  const match = DAY.exec(day);
  if (!match) {
    throw new Error(`not a day: ${day}`);
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** `day` moved by `count` calendar days. */
export function addDays(day: string, count: number): string {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(day: string): number {
  const [y, m, d] = parts(day);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week `day` falls in. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** Milliseconds `zone` is ahead of UTC at `instant`. */
function offsetAt(instant: number, zone: string): number {
  const fields = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(fields.find((f) => f.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in `zone` ("YYYY-MM-DD" and "HH:MM"), as an ISO string with
 * the zone's offset. A time skipped by a clock change moves forward by the change.
 */
export function zonedInstant(day: string, time: string, zone: string): string {
  const [y, m, d] = parts(day);
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let instant = wall - offsetAt(wall, zone);
  instant = wall - offsetAt(instant, zone);
  return withOffset(instant, offsetAt(instant, zone));
}

function withOffset(instant: number, offset: number): string {
  const local = new Date(instant + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${local}${sign}${hh}:${mm}`;
}

/** Where the local day begins in `zone`. */
export function startOfDay(day: string, zone: string): string {
  return zonedInstant(day, "00:00", zone);
}

/** The wall-clock time (HH:MM) of an instant in `zone`. */
export function wallTime(value: string, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(value),
  );
}

/** A noon instant of `day`, for formatting the day itself without a clock change in the way. */
export function noonOf(day: string, zone: string): string {
  return zonedInstant(day, "12:00", zone);
}

/** Instants as the server shows them: in the clinic's zone, with its offset. */
import { zoneOffsetMinutes } from "../components/booking/days";

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** `2026-12-07T08:00:00Z` in Africa/Nairobi -> `2026-12-07T11:00:00+03:00`. */
export function zoned(instant: string | Date, zone: string): string {
  const at = typeof instant === "string" ? new Date(instant) : instant;
  const offset = zoneOffsetMinutes(zone, at);
  const wall = new Date(at.getTime() + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  return (
    `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

export function ms(instant: string | Date): number {
  return typeof instant === "string" ? Date.parse(instant) : instant.getTime();
}

export function isoUtc(instant: number | Date): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, "Z");
}

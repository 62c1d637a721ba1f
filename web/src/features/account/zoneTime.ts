/** Clinic-local wall times to instants: the waitlist window is chosen on the clinic's clock. */

function offsetMinutes(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60000);
}

/** "2027-03-29" + "08:30" in `zone` -> the instant, as an ISO string in UTC. */
export function zonedInstant(day: string, time: string, zone: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y!, m! - 1, d!, hh ?? 0, mm ?? 0);
  const first = offsetMinutes(zone, wall);
  let instant = wall - first * 60000;
  const second = offsetMinutes(zone, instant);
  if (second !== first) {
    instant = wall - second * 60000;
  }
  return new Date(instant).toISOString();
}

/** The calendar day `days` after "YYYY-MM-DD". */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

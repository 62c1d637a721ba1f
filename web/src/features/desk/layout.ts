/** The day view's model: one column per provider on shift, blocks placed by local minutes. */
import type { components } from "../../api/schema";
import { minutesInto } from "./zone";

export type Appointment = components["schemas"]["AppointmentRead"];
export type RosterShift = components["schemas"]["RosterShift"];
export type Status = Appointment["status"];

export interface Span {
  start: number; // minutes from local midnight
  end: number;
}

export interface Block {
  appointment: Appointment;
  start: number;
  end: number;
  lane: number;
  lanes: number;
}

export interface Column {
  providerId: string;
  name: string | null;
  shifts: (Span & { cancelled: boolean; reason: string | null })[];
  breaks: Span[];
  onLeave: boolean;
  blocks: Block[];
}

/** Statuses a visit can be in once it is more than a hold. */
export const SHOWN_STATUSES = ["booked", "arrived", "checked-in", "fulfilled", "noshow"] as const satisfies readonly Status[];

const clamp = (span: Span): Span => ({ start: Math.max(0, span.start), end: Math.min(24 * 60, span.end) });

/** Overlapping visits (an overbooking) side by side: each gets a lane within its cluster. */
export function placeBlocks(items: { appointment: Appointment; start: number; end: number }[]): Block[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Block[] = [];
  let cluster: Block[] = [];
  let clusterEnd = -Infinity;
  const close = () => {
    const lanes = Math.max(1, ...cluster.map((b) => b.lane + 1));
    cluster.forEach((b) => (b.lanes = lanes));
    out.push(...cluster);
    cluster = [];
  };
  for (const item of sorted) {
    if (item.start >= clusterEnd && cluster.length) {
      close();
    }
    const laneEnds: number[] = [];
    cluster.forEach((b) => (laneEnds[b.lane] = Math.max(laneEnds[b.lane] ?? -Infinity, b.end)));
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane < 0) {
      lane = laneEnds.length;
    }
    cluster.push({ ...item, lane, lanes: 1 });
    clusterEnd = Math.max(clusterEnd, item.end);
  }
  if (cluster.length) {
    close();
  }
  return out;
}

/**
 * Columns for a local day: every provider with a shift that day (on leave or not), then any
 * provider who has visits but no shift (a cancelled or moved shift should not hide them).
 */
export function buildColumns(
  day: string,
  zone: string,
  shifts: RosterShift[],
  appointments: Appointment[],
  names: Record<string, string | null | undefined> = {},
): Column[] {
  const columns = new Map<string, Column>();
  const column = (providerId: string, name: string | null): Column => {
    let col = columns.get(providerId);
    if (!col) {
      col = { providerId, name, shifts: [], breaks: [], onLeave: false, blocks: [] };
      columns.set(providerId, col);
    }
    col.name ??= name;
    return col;
  };
  for (const shift of shifts) {
    if (shift.role !== "provider" || shift.local_date !== day) {
      continue;
    }
    const col = column(shift.staff_id, shift.staff_name ?? names[shift.staff_id] ?? null);
    col.shifts.push({
      ...clamp({ start: minutesInto(day, shift.starts_at, zone), end: minutesInto(day, shift.ends_at, zone) }),
      cancelled: shift.status === "cancelled",
      reason: shift.cancel_reason,
    });
    if (shift.status !== "cancelled") {
      for (const pause of shift.breaks) {
        col.breaks.push(clamp({ start: minutesInto(day, pause.starts_at, zone), end: minutesInto(day, pause.ends_at, zone) }));
      }
    }
    col.onLeave ||= shift.on_leave;
  }
  const byProvider = new Map<string, { appointment: Appointment; start: number; end: number }[]>();
  for (const appointment of appointments) {
    const span = clamp({
      start: minutesInto(day, appointment.starts_at, zone),
      end: minutesInto(day, appointment.ends_at, zone),
    });
    if (span.end <= 0 || span.start >= 24 * 60) {
      continue;
    }
    column(appointment.provider_id, names[appointment.provider_id] ?? null);
    const list = byProvider.get(appointment.provider_id) ?? [];
    list.push({ appointment, ...span });
    byProvider.set(appointment.provider_id, list);
  }
  for (const [providerId, items] of byProvider) {
    columns.get(providerId)!.blocks = placeBlocks(items);
  }
  return [...columns.values()].sort((a, b) => (a.name ?? "~").localeCompare(b.name ?? "~"));
}

/** The hours the grid shows: the working day, widened to whatever happens outside it. */
export function visibleRange(columns: Column[], nowMinutes: number | null): Span {
  let start = 8 * 60;
  let end = 17 * 60;
  for (const col of columns) {
    for (const span of [...col.shifts, ...col.blocks]) {
      start = Math.min(start, span.start);
      end = Math.max(end, span.end);
    }
  }
  if (nowMinutes !== null && nowMinutes >= 0 && nowMinutes <= 24 * 60) {
    start = Math.min(start, nowMinutes);
    end = Math.max(end, nowMinutes);
  }
  return { start: Math.max(0, Math.floor(start / 60) * 60), end: Math.min(24 * 60, Math.ceil(end / 60) * 60) };
}

/** Which moves the desk may make from a status (check-in, completion, no-show, cancel, reschedule). */
export type Move = "check-in" | "complete" | "no-show" | "cancel" | "reschedule";

export function allowedMoves(appointment: Appointment, now: Date = new Date()): Move[] {
  const started = new Date(appointment.starts_at).getTime() <= now.getTime();
  switch (appointment.status) {
    case "booked":
      return ["check-in", "reschedule", "cancel", ...(started ? (["no-show"] as const) : [])];
    case "arrived":
      return ["check-in", "complete", "cancel"];
    case "checked-in":
      return ["complete"];
    default:
      return [];
  }
}

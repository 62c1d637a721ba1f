/**
 * What a queued change does to the device's copy, at once: the same effect is applied when the
 * change is made and again after every pull (the server's copy plus what it has not yet seen).
 */
import type { AppointmentRow, OfflineDb, QueuedMutation, StartsRow, TypeRow } from "./db";
import { isoUtc, ms, zoned } from "./time";

const MINUTE = 60_000;

/** The span a visit of the type blocks on its provider's calendar. */
function blocked(type: TypeRow | undefined, start: number): [number, number] {
  const before = (type?.buffer_before_minutes ?? 0) * MINUTE;
  const after = (type?.buffer_after_minutes ?? 0) * MINUTE;
  return [start - before, start + (type?.duration_minutes ?? 15) * MINUTE + after];
}

/** Take a visit's time out of its provider's free starts, for every type it would overlap. */
export async function occupy(store: OfflineDb, typeId: string, providerId: string, startsAt: string): Promise<void> {
  const types = new Map((await store.types.toArray()).map((t) => [t.id, t]));
  const [from, to] = blocked(types.get(typeId), ms(startsAt));
  for (const table of [store.availability, store.reserved]) {
    const rows = await table.filter((row) => row.provider_id === providerId).toArray();
    for (const row of rows) {
      const starts = row.starts.filter((start) => {
        const [s, e] = blocked(types.get(row.type_id), ms(start));
        return e <= from || to <= s;
      });
      if (starts.length !== row.starts.length) {
        await table.put({ ...row, starts });
      }
    }
  }
}

/** Give a start back to its type and provider (a cancelled or moved visit). */
export async function release(store: OfflineDb, typeId: string, providerId: string, startsAt: string): Promise<void> {
  if (ms(startsAt) < Date.now()) return;
  const row: StartsRow = (await store.availability.get([typeId, providerId])) ?? {
    type_id: typeId,
    provider_id: providerId,
    starts: [],
  };
  const start = isoUtc(ms(startsAt));
  if (row.starts.some((s) => ms(s) === ms(start))) return;
  const starts = [...row.starts, start].sort((a, b) => ms(a) - ms(b));
  await store.availability.put({ ...row, starts });
}

export function newAppointment(
  args: Record<string, unknown>,
  clinicId: string,
  zone: string,
  type: TypeRow | undefined,
  bookedBy: string | null,
  now: string,
): AppointmentRow {
  const start = ms(String(args.starts_at));
  return {
    id: String(args.appointment_id),
    clinic_id: clinicId,
    type_id: String(args.type_id),
    provider_id: String(args.provider_id),
    patient_id: (args.patient_id as string | undefined) ?? null,
    room_id: (args.room_id as string | undefined) ?? null,
    status: "booked",
    starts_at: zoned(new Date(start), zone),
    ends_at: zoned(new Date(start + (type?.duration_minutes ?? 15) * MINUTE), zone),
    time_zone: zone,
    hold_expires_at: null,
    booked_by: bookedBy,
    walk_in: Boolean(args.walk_in),
    overbooked: false,
    overbook_reason: null,
    note: (args.note as string | undefined) ?? null,
    booked_at: now,
    cancelled_at: null,
    cancelled_by_party: null,
    cancel_reason: null,
    needs_reschedule: false,
    needs_reschedule_reason: null,
    waitlist_entry_id: null,
    origin: "offline",
    recorded_at: now,
    created_at: now,
    updated_at: now,
  };
}

const STATUS_AFTER = { check_in: "checked-in", complete: "fulfilled", no_show: "noshow" } as const;

/** Apply a queued change to the local copy; the appointment or patient it leaves, if any. */
export async function applyEffect(store: OfflineDb, mutation: QueuedMutation, zone: string, bookedBy: string | null) {
  const { args } = mutation;
  const now = mutation.recorded_at;
  if (mutation.kind === "register_patient") {
    const patient = { id: String(args.patient_id), full_name: String(args.full_name), phone: String(args.phone) };
    await store.patients.put(patient);
    return patient;
  }
  if (mutation.kind === "book") {
    const type = await store.types.get(String(args.type_id));
    const row = newAppointment(args, mutation.clinic_id, zone, type, bookedBy, now);
    await store.appointments.put(row);
    await occupy(store, row.type_id, row.provider_id, String(args.starts_at));
    return row;
  }
  const row = await store.appointments.get(String(args.appointment_id));
  if (!row) return null;
  let next: AppointmentRow = { ...row, updated_at: now };
  if (mutation.kind === "reschedule") {
    const type = await store.types.get(row.type_id);
    const start = ms(String(args.starts_at));
    const providerId = (args.provider_id as string | undefined) ?? row.provider_id;
    await release(store, row.type_id, row.provider_id, row.starts_at);
    next = {
      ...next,
      provider_id: providerId,
      room_id: (args.room_id as string | undefined) ?? row.room_id,
      starts_at: zoned(new Date(start), row.time_zone),
      ends_at: zoned(new Date(start + (type?.duration_minutes ?? 15) * MINUTE), row.time_zone),
      needs_reschedule: false,
      needs_reschedule_reason: null,
    };
    await occupy(store, row.type_id, providerId, String(args.starts_at));
  } else if (mutation.kind === "cancel") {
    await release(store, row.type_id, row.provider_id, row.starts_at);
    next = {
      ...next,
      status: "cancelled",
      cancelled_at: now,
      cancelled_by_party: "clinic",
      cancel_reason: (args.reason as string | undefined) ?? null,
    };
  } else {
    next = { ...next, status: STATUS_AFTER[mutation.kind] };
  }
  await store.appointments.put(next);
  return next;
}

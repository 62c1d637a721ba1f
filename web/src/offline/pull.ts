/**
 * Applying a pull: a snapshot replaces the working set, changes are upserted with tombstones
 * removed; availability, reserved time and allotments always arrive whole and replace the
 * device's. Appointments arrive slim and are kept in the AppointmentRead shape the desk reads.
 * The queue's changes the server has not yet seen are applied again on top, so the desk keeps
 * seeing them.
 */
import { db, readMeta, type AppointmentRow, type Entity, type OfflineDb } from "./db";
import { applyEffect } from "./local";
import { refresh } from "./state";
import { deviceId } from "./db";
import { pullClinic, type PullResponse, type SlimAppointment, type TombstoneEntity } from "./syncApi";
import { isoUtc, zoned } from "./time";

const TABLE_OF: Record<TombstoneEntity, Entity> = {
  appointment: "appointments",
  shift: "shifts",
  leave: "leave",
  type: "types",
  room: "rooms",
  patient: "patients",
  provider: "providers",
  allotment: "allotments",
};
/** Upserted from changes; allotments are complete in every pull and replaced instead. */
const UPSERTED = Object.values(TABLE_OF).filter((name) => name !== "allotments" && name !== "appointments");

/** The AppointmentRead a slim pulled row stands for (times in the clinic's zone). */
export function appointmentRow(row: SlimAppointment, clinicId: string, zone: string): AppointmentRow {
  const full = {
    id: row.id,
    clinic_id: clinicId,
    type_id: row.type_id,
    provider_id: row.provider_id,
    patient_id: row.patient_id ?? null,
    room_id: row.room_id ?? null,
    status: row.status,
    starts_at: zoned(row.starts_at, zone),
    ends_at: zoned(row.ends_at, zone),
    time_zone: zone,
    hold_expires_at: null,
    booked_by: row.booked_by ?? null,
    walk_in: row.walk_in ?? false,
    overbooked: row.overbooked ?? false,
    overbook_reason: row.overbook_reason ?? null,
    note: row.note ?? null,
    booked_at: null,
    cancelled_at: row.cancelled_at ?? null,
    cancelled_by_party: row.cancelled_by_party ?? null,
    cancel_reason: row.cancel_reason ?? null,
    needs_reschedule: row.needs_reschedule ?? false,
    needs_reschedule_reason: row.needs_reschedule_reason ?? null,
    waitlist_entry_id: row.waitlist_entry_id ?? null,
    created_at: "",
    updated_at: "",
    origin: row.origin ?? "online",
    recorded_at: row.recorded_at ?? null,
  };
  return full as AppointmentRow;
}

export async function applyPull(clinicId: string, pull: PullResponse, store: OfflineDb = db()): Promise<void> {
  const tables = [...store.tables];
  await store.transaction("rw", tables, async () => {
    if (pull.kind === "snapshot") {
      await Promise.all(Object.values(TABLE_OF).map((name) => store.table(name).clear()));
    }
    for (const name of UPSERTED) {
      const rows = (pull as unknown as Record<string, { id: string }[] | undefined>)[name] ?? [];
      if (rows.length) await store.table(name).bulkPut(rows);
    }
    const zone = pull.clinic?.time_zone ?? "UTC";
    const appointments = (pull.appointments ?? []).map((row) => appointmentRow(row, clinicId, zone));
    if (appointments.length) await store.appointments.bulkPut(appointments);
    await store.allotments.clear();
    await store.allotments.bulkPut(pull.allotments ?? []);
    for (const tombstone of pull.tombstones ?? []) {
      const name = TABLE_OF[tombstone.entity];
      if (name) await store.table(name).delete(tombstone.id);
    }
    await store.availability.clear();
    await store.availability.bulkPut(pull.availability ?? []);
    await store.reserved.clear();
    await store.reserved.bulkPut(pull.reserved ?? []);
    const meta = await readMeta(store);
    await store.meta.put({
      ...meta,
      clinicId,
      clinic: pull.clinic,
      cursor: pull.cursor,
      window: pull.window,
      lastPullAt: isoUtc(Date.now()),
      openConflicts: pull.open_conflicts ?? 0,
    });
    const pending = await store.queue.orderBy("seq").toArray();
    for (const mutation of pending) {
      await applyEffect(store, mutation, zone, meta.principal?.id ?? null);
    }
  });
}

/** Pull the clinic's working set (changes since the cursor, or a snapshot) into the store. */
export async function pull(clinicId: string, options: { snapshot?: boolean } = {}): Promise<void> {
  const store = db();
  const meta = await readMeta(store);
  const cursor = options.snapshot || meta.clinicId !== clinicId ? null : meta.cursor;
  const answer = await pullClinic(clinicId, await deviceId(store), cursor);
  await applyPull(clinicId, answer, store);
  await refresh();
}

/**
 * Applying a pull: a snapshot replaces the working set, changes are upserted with tombstones
 * removed; availability and reserved time always arrive whole. The queue's changes the server
 * has not yet seen are applied again on top, so the desk keeps seeing them.
 */
import { db, readMeta, type Entity, type OfflineDb } from "./db";
import { applyEffect } from "./local";
import { refresh } from "./state";
import { deviceId } from "./db";
import { pullClinic, type PullResponse, type TombstoneEntity } from "./syncApi";
import { isoUtc } from "./time";

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

export async function applyPull(clinicId: string, pull: PullResponse, store: OfflineDb = db()): Promise<void> {
  const tables = [...store.tables];
  await store.transaction("rw", tables, async () => {
    if (pull.kind === "snapshot") {
      await Promise.all(Object.values(TABLE_OF).map((name) => store.table(name).clear()));
    }
    for (const name of Object.values(TABLE_OF)) {
      const rows = (pull as unknown as Record<string, { id: string }[] | undefined>)[name] ?? [];
      if (rows.length) await store.table(name).bulkPut(rows);
    }
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
    const zone = pull.clinic?.time_zone ?? "UTC";
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

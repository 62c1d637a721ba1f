/**
 * Pushing the queue: in seq order, at most BATCH per request; each answered mutation moves to
 * the history with its outcome. A registration the server matched to an existing patient gives
 * its id to the device's later changes. A change that did not apply leaves the local copy wrong,
 * so the next pull is a snapshot.
 */
import { db, deviceId, readMeta, type Outcome, type QueuedMutation } from "./db";
import { refresh, setLive } from "./state";
import { pushMutations, type PushMutation } from "./syncApi";

export const BATCH = 200;
const HISTORY_KEPT = 500;

function wire(m: QueuedMutation): PushMutation {
  const out: PushMutation = { id: m.id, seq: m.seq, recorded_at: m.recorded_at, kind: m.kind, args: m.args };
  if (m.depends_on.length) out.depends_on = m.depends_on;
  return out;
}

/** Give a patient the id the server knows them by, wherever the device uses the old one. */
async function replacePatientId(from: string, to: string): Promise<void> {
  const store = db();
  await store.queue.filter((m) => m.args.patient_id === from).modify((m) => {
    m.args = { ...m.args, patient_id: to };
  });
  await store.appointments.filter((a) => a.patient_id === from).modify({ patient_id: to });
  const patient = await store.patients.get(from);
  if (patient) {
    await store.patients.delete(from);
    await store.patients.put({ ...patient, id: to });
  }
}

async function record(batch: QueuedMutation[], outcomes: Outcome[]): Promise<number> {
  const store = db();
  const byId = new Map(batch.map((m) => [m.id, m]));
  let answered = 0;
  await store.transaction("rw", [store.queue, store.history, store.appointments, store.patients, store.meta], async () => {
    let snapshotNext = false;
    for (const outcome of outcomes) {
      const mutation = byId.get(outcome.id);
      if (!mutation) continue;
      answered += 1;
      await store.queue.delete(mutation.id);
      await store.history.put({ ...mutation, status: outcome.status, outcome });
      const matched = outcome.result?.patient_id;
      if (
        outcome.status === "applied" &&
        mutation.kind === "register_patient" &&
        typeof matched === "string" &&
        matched !== mutation.args.patient_id
      ) {
        await replacePatientId(String(mutation.args.patient_id), matched);
      }
      snapshotNext ||= outcome.status !== "applied";
    }
    if (snapshotNext) {
      await store.meta.put({ ...(await readMeta(store)), cursor: null });
    }
    const total = await store.history.count();
    if (total > HISTORY_KEPT) {
      const old = await store.history.orderBy("seq").limit(total - HISTORY_KEPT).primaryKeys();
      await store.history.bulkDelete(old);
    }
  });
  return answered;
}

/** Push everything queued for the clinic; throws (a ProblemError) when a request fails. */
export async function push(clinicId: string): Promise<void> {
  const store = db();
  const device = await deviceId(store);
  let queue = await store.queue.orderBy("seq").filter((m) => m.clinic_id === clinicId).toArray();
  const total = queue.length;
  let done = 0;
  if (total) setLive({ progress: { done, total } });
  try {
    while (queue.length) {
      const batch = queue.slice(0, BATCH);
      const answer = await pushMutations({ device_id: device, clinic_id: clinicId, mutations: batch.map(wire) });
      const answered = await record(batch, answer.outcomes ?? []);
      done += answered;
      setLive({ progress: { done, total: Math.max(total, done) } });
      await refresh();
      if (answered === 0) break; // an answer without outcomes: try again later, not in a loop
      queue = await store.queue.orderBy("seq").filter((m) => m.clinic_id === clinicId).toArray();
    }
  } finally {
    setLive({ progress: null });
  }
}

/** What the next push would send first (the sync screen's count). */
export async function queued(): Promise<number> {
  return db().queue.count();
}

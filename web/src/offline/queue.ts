/**
 * Changes made with no network: each becomes a mutation of the device's sequence (kinds and
 * args per docs/offline-sync.md) and is applied to the local copy at once, so the desk sees it.
 */
import { ProblemError, type ProblemBody } from "../api/problem";
import type { components } from "../api/schema";
import { addDays, dayStart } from "../features/desk/zone";
import { localDay } from "../lib/format";
import { db, nextSeq, readMeta, type AppointmentRow, type MetaRow, type OfflineDb, type QueuedMutation, type StartsRow, type Summary } from "./db";
import { applyEffect } from "./local";
import { refresh } from "./state";
import { isoUtc, ms, zoned } from "./time";
import type { Alternative, MutationKind } from "./types";

type UserRead = components["schemas"]["UserRead"];
type PatientRegister = components["schemas"]["PatientRegister"];
type AppointmentCreate = components["schemas"]["AppointmentCreate"];

export type ChangeKind = "reschedule" | "cancel" | "check_in" | "complete" | "no_show";

/** A walk-in may start a little in the past: the patient is already being seen. */
const WALK_IN_GRACE_MS = 15 * 60_000;
const ALTERNATIVES = 3;
/** Statuses each change may start from (booking's rules.py). */
const FROM: Record<ChangeKind, string[]> = {
  reschedule: ["booked"],
  cancel: ["booked", "arrived"],
  check_in: ["booked", "arrived"],
  complete: ["arrived", "checked-in"],
  no_show: ["booked"],
};

function refuse(status: number, slug: string, detail: string, extra: Partial<ProblemBody> = {}): never {
  throw new ProblemError(status, { type: `urn:clinic:problem:${slug}`, title: slug, status, detail, ...extra });
}

function withoutEmpty(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null && value !== undefined && value !== ""));
}

const TABLES = (store: OfflineDb) => [
  store.device,
  store.meta,
  store.queue,
  store.patients,
  store.appointments,
  store.types,
  store.availability,
  store.reserved,
];

/** Add a mutation at the end of the device's sequence and apply it here. */
async function enqueue(
  store: OfflineDb,
  meta: MetaRow,
  kind: MutationKind,
  args: Record<string, unknown>,
  depends_on: string[],
  summary: Summary,
) {
  const mutation: QueuedMutation = {
    id: crypto.randomUUID(),
    seq: await nextSeq(store),
    clinic_id: meta.clinicId!,
    kind,
    args,
    depends_on,
    recorded_at: isoUtc(Date.now()),
    summary,
    status: "pending",
    outcome: null,
  };
  await store.queue.add(mutation);
  return applyEffect(store, mutation, meta.clinic?.time_zone ?? "UTC", meta.principal?.id ?? null);
}

/** The pending mutation that creates this patient or appointment, if one waits in the queue. */
async function creator(store: OfflineDb, field: "patient_id" | "appointment_id", id: string): Promise<string[]> {
  const kind = field === "patient_id" ? "register_patient" : "book";
  const found = await store.queue.filter((m) => m.kind === kind && m.args[field] === id).first();
  return found ? [found.id] : [];
}

async function activeMeta(store: OfflineDb): Promise<MetaRow> {
  const meta = await readMeta(store);
  if (!meta.clinicId) refuse(409, "offline-off", "Offline mode is off on this device.");
  return meta;
}

/** A desk registration with no network; a phone the device knows is that patient. */
export async function queueRegister(body: PatientRegister): Promise<UserRead> {
  const store = db();
  const now = isoUtc(Date.now());
  const result = await store.transaction("rw", TABLES(store), async () => {
    const meta = await activeMeta(store);
    const known = await store.patients.where("phone").equals(body.phone).first();
    if (known) return known;
    const patientId = crypto.randomUUID();
    const args = withoutEmpty({
      patient_id: patientId,
      full_name: body.full_name,
      phone: body.phone,
      email: body.email,
      date_of_birth: body.date_of_birth,
      preferred_language: body.preferred_language ?? "en",
      consent: body.consent ?? { sms: true, whatsapp: false },
    });
    await enqueue(store, meta, "register_patient", args, [], { patientName: body.full_name });
    return { id: patientId, full_name: body.full_name, phone: body.phone };
  });
  await refresh();
  return {
    id: result.id,
    kind: "patient",
    full_name: result.full_name,
    phone: result.phone,
    email: body.email ?? null,
    date_of_birth: body.date_of_birth ?? null,
    preferred_language: body.preferred_language ?? "en",
    consent: body.consent ?? { sms: true, whatsapp: false },
    active: true,
    deactivated_at: null,
    created_at: now,
    updated_at: now,
    memberships: [],
  } as UserRead;
}

async function rows(table: OfflineDb["availability"], typeId: string, providerId: string | null): Promise<StartsRow[]> {
  return table.filter((row) => row.type_id === typeId && (!providerId || row.provider_id === providerId)).toArray();
}

/**
 * A provider and start for a visit: at `startsAt`, the first provider free then (the front
 * desk's reserved time first); a walk-in with no time takes the earliest reserved start left
 * today, else the earliest free one.
 */
async function choose(
  store: OfflineDb,
  typeId: string,
  providerId: string | null,
  startsAt: string | null,
  zone: string,
): Promise<{ provider: string; start: string } | null> {
  const groups = [await rows(store.reserved, typeId, providerId), await rows(store.availability, typeId, providerId)];
  if (startsAt) {
    const at = ms(startsAt);
    for (const group of groups) {
      const row = group.find((r) => r.starts.some((s) => ms(s) === at));
      if (row) return { provider: row.provider_id, start: isoUtc(at) };
    }
    return null;
  }
  const now = Date.now();
  const endOfDay = dayStart(addDays(localDay(new Date(now), zone), 1), zone).getTime();
  for (const group of groups) {
    let best: { provider: string; start: string } | null = null;
    for (const row of group) {
      for (const start of row.starts) {
        const at = ms(start);
        if (at >= now - WALK_IN_GRACE_MS && at < endOfDay && (!best || at < ms(best.start))) {
          best = { provider: row.provider_id, start: isoUtc(at) };
        }
      }
    }
    if (best) return best;
  }
  return null;
}

/** The free starts nearest a refused one, as the server's 409 offers them. */
async function alternatives(store: OfflineDb, typeId: string, providerId: string | null, at: number, zone: string): Promise<Alternative[]> {
  const byStart = new Map<number, Set<string>>();
  for (const table of [store.reserved, store.availability]) {
    for (const row of await rows(table, typeId, providerId)) {
      for (const start of row.starts) {
        const t = ms(start);
        if (t >= Date.now() && Math.abs(t - at) <= 86_400_000) {
          byStart.set(t, (byStart.get(t) ?? new Set()).add(row.provider_id));
        }
      }
    }
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const before = starts.filter((t) => t < at).slice(-ALTERNATIVES);
  const after = starts.filter((t) => t > at).slice(0, ALTERNATIVES);
  return [...before, ...after].map((t) => ({ starts_at: zoned(new Date(t), zone), provider_ids: [...byStart.get(t)!] }));
}

async function taken(store: OfflineDb, typeId: string, providerId: string | null, at: number, zone: string): Promise<never> {
  const alts = await alternatives(store, typeId, providerId, at, zone);
  return refuse(409, "slot-taken", "The provider is already booked then.", { clash: { with: "provider" }, alternatives: alts });
}

/** A desk booking with no network. */
export async function queueBook(body: AppointmentCreate): Promise<AppointmentRow> {
  const store = db();
  const result = await store.transaction("rw", TABLES(store), async () => {
    const meta = await activeMeta(store);
    const zone = meta.clinic?.time_zone ?? "UTC";
    if (!body.type_id || !body.patient_id) {
      refuse(422, "slot-required", "Give `type_id` and `patient_id`.");
    }
    if (!body.starts_at && !body.walk_in) refuse(422, "slot-required", "Give `starts_at`.");
    const picked = await choose(store, body.type_id, body.provider_id ?? null, body.starts_at ?? null, zone);
    if (!picked) {
      return taken(store, body.type_id, body.provider_id ?? null, body.starts_at ? ms(body.starts_at) : Date.now(), zone);
    }
    const patient = await store.patients.get(body.patient_id);
    const args = withoutEmpty({
      appointment_id: crypto.randomUUID(),
      type_id: body.type_id,
      patient_id: body.patient_id,
      provider_id: picked.provider,
      starts_at: picked.start,
      room_id: body.room_id,
      walk_in: body.walk_in ?? false,
      note: body.note,
    });
    args.walk_in = body.walk_in ?? false;
    const depends = await creator(store, "patient_id", body.patient_id);
    const summary = { patientName: patient?.full_name, startsAt: picked.start, appointmentId: String(args.appointment_id) };
    return (await enqueue(store, meta, "book", args, depends, summary)) as AppointmentRow;
  });
  await refresh();
  return result;
}

/** A change of an appointment the device knows, with no network. */
export async function queueChange(kind: ChangeKind, appointmentId: string, body: Record<string, unknown>): Promise<AppointmentRow> {
  const store = db();
  const result = await store.transaction("rw", TABLES(store), async () => {
    const meta = await activeMeta(store);
    const row = await store.appointments.get(appointmentId);
    if (!row) refuse(404, "not-found", "This appointment is not on this device.");
    if (!FROM[kind].includes(row.status)) {
      refuse(409, "invalid-transition", `Cannot ${kind.replace("_", "-")} an appointment that is ${row.status}.`, { status_now: row.status });
    }
    let args: Record<string, unknown> = { appointment_id: appointmentId };
    let startsAt = row.starts_at;
    if (kind === "reschedule") {
      const providerId = (body.provider_id as string | null | undefined) ?? row.provider_id;
      const picked = await choose(store, row.type_id, providerId, String(body.starts_at), row.time_zone);
      if (!picked) return taken(store, row.type_id, providerId, ms(String(body.starts_at)), row.time_zone);
      startsAt = picked.start;
      args = withoutEmpty({ ...args, starts_at: picked.start, provider_id: picked.provider, room_id: body.room_id });
    } else if (kind === "cancel") {
      args = withoutEmpty({ ...args, reason: body.reason });
    }
    const patient = row.patient_id ? await store.patients.get(row.patient_id) : undefined;
    const depends = await creator(store, "appointment_id", appointmentId);
    const summary = { patientName: patient?.full_name, startsAt, appointmentId };
    return (await enqueue(store, meta, kind, args, depends, summary)) as AppointmentRow;
  });
  await refresh();
  return result;
}

/**
 * The device's offline store (IndexedDB through Dexie): the clinic's working set as the last pull
 * left it plus the device's own changes, the queue of changes to push, and their outcomes. It
 * outlives reloads and restarts; signing out wipes all of it but the device's identity.
 */
import Dexie, { type Table } from "dexie";

import type { Principal } from "../auth/principal";
import type { ProblemBody } from "../api/problem";
import type { components } from "../api/schema";
import type { Alternative, MutationKind, OutcomeStatus } from "./types";

export type AppointmentRow = components["schemas"]["AppointmentRead"];
export type TypeRow = components["schemas"]["TypeRead"];
export interface ClinicRow {
  id: string;
  name: string;
  time_zone: string;
  booking_policy?: unknown;
}
export interface PatientRow {
  id: string;
  full_name: string;
  phone: string | null;
}
export interface ProviderRow {
  id: string;
  full_name: string;
  specialty?: string | null;
}
export interface Span {
  starts_at: string;
  ends_at: string;
}
export interface ShiftRow extends Span {
  id: string;
  staff_id: string;
  breaks: Span[];
}
export interface LeaveRow extends Span {
  id: string;
  staff_id: string;
}
export interface AllotmentRow extends Span {
  id: string;
  provider_id: string;
  releases_at: string;
}
export interface Row {
  id: string;
  [field: string]: unknown;
}
/** Free starts of a type with a provider, as instants (UTC). */
export interface StartsRow {
  type_id: string;
  provider_id: string;
  starts: string[];
}

/** The device's identity and its mutation sequence: kept when the store is wiped. */
export interface DeviceRow {
  key: "device";
  id: string;
  lastSeq: number;
}

export interface MetaRow {
  key: "meta";
  clinicId: string | null;
  clinic: ClinicRow | null;
  cursor: string | null;
  window: { from: string; to: string } | null;
  lastPullAt: string | null;
  openConflicts: number;
  /** The last online sign-in or refresh, and the principal it was for. */
  lastOnlineAt: string | null;
  offlineHours: number;
  principal: Principal | null;
}

export interface Summary {
  patientName?: string;
  startsAt?: string;
  appointmentId?: string;
}

export interface QueuedMutation {
  id: string;
  seq: number;
  clinic_id: string;
  kind: MutationKind;
  args: Record<string, unknown>;
  depends_on: string[];
  recorded_at: string;
  summary: Summary;
  status: "pending" | OutcomeStatus;
  outcome: Outcome | null;
}

export interface Outcome {
  id: string;
  seq: number;
  status: OutcomeStatus;
  result?: Record<string, unknown>;
  conflict_id?: string;
  problem?: ProblemBody;
  alternatives?: Alternative[];
  blocked_by?: string;
}

export const WORKING_SET = [
  "appointments",
  "patients",
  "types",
  "rooms",
  "providers",
  "shifts",
  "leave",
  "allotments",
] as const;
export type Entity = (typeof WORKING_SET)[number];

export class OfflineDb extends Dexie {
  device!: Table<DeviceRow, string>;
  meta!: Table<MetaRow, string>;
  appointments!: Table<AppointmentRow, string>;
  patients!: Table<PatientRow, string>;
  types!: Table<TypeRow, string>;
  rooms!: Table<Row, string>;
  providers!: Table<ProviderRow, string>;
  shifts!: Table<ShiftRow, string>;
  leave!: Table<LeaveRow, string>;
  allotments!: Table<AllotmentRow, string>;
  availability!: Table<StartsRow, [string, string]>;
  reserved!: Table<StartsRow, [string, string]>;
  /** Mutations not yet pushed (status "pending"). */
  queue!: Table<QueuedMutation, string>;
  /** Mutations the server answered, with their outcome, for the desk to see. */
  history!: Table<QueuedMutation, string>;

  constructor(name = "clinic-offline") {
    super(name);
    this.version(1).stores({
      device: "key",
      meta: "key",
      appointments: "id, starts_at",
      patients: "id, phone",
      types: "id",
      rooms: "id",
      providers: "id",
      shifts: "id",
      leave: "id",
      allotments: "id",
      availability: "[type_id+provider_id]",
      reserved: "[type_id+provider_id]",
      queue: "id, &seq",
      history: "id, seq",
    });
  }
}

let instance: OfflineDb | null = null;

export function db(): OfflineDb {
  instance ??= new OfflineDb();
  return instance;
}

/** Close the store and open it afresh on next use, as a reload would (tests). */
export function reopenDb(): void {
  instance?.close();
  instance = null;
}

export const DEFAULT_OFFLINE_HOURS = 72;

export function emptyMeta(): MetaRow {
  return {
    key: "meta",
    clinicId: null,
    clinic: null,
    cursor: null,
    window: null,
    lastPullAt: null,
    openConflicts: 0,
    lastOnlineAt: null,
    offlineHours: DEFAULT_OFFLINE_HOURS,
    principal: null,
  };
}

export async function readMeta(store: OfflineDb = db()): Promise<MetaRow> {
  return (await store.meta.get("meta")) ?? emptyMeta();
}

export async function writeMeta(changes: Partial<Omit<MetaRow, "key">>, store: OfflineDb = db()): Promise<MetaRow> {
  return store.transaction("rw", store.meta, async () => {
    const next = { ...(await readMeta(store)), ...changes };
    await store.meta.put(next);
    return next;
  });
}

/** The device's id, made the first time it is asked for, and kept through wipes. */
export async function deviceId(store: OfflineDb = db()): Promise<string> {
  return store.transaction("rw", store.device, async () => {
    const row = await store.device.get("device");
    if (row) return row.id;
    const id = crypto.randomUUID();
    await store.device.put({ key: "device", id, lastSeq: 0 });
    return id;
  });
}

/** The next seq of the device's sequence (call inside a transaction that includes `device`). */
export async function nextSeq(store: OfflineDb = db()): Promise<number> {
  const row = (await store.device.get("device")) ?? { key: "device" as const, id: crypto.randomUUID(), lastSeq: 0 };
  const seq = row.lastSeq + 1;
  await store.device.put({ ...row, lastSeq: seq });
  return seq;
}

/** Everything but the device's identity and sequence. */
export async function wipe(store: OfflineDb = db()): Promise<void> {
  const tables = store.tables.filter((table) => table.name !== "device");
  await store.transaction("rw", tables, async () => {
    await Promise.all(tables.map((table) => table.clear()));
  });
}

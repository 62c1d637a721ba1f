/**
 * The sync API (docs/offline-sync.md) through plain fetch: its paths are not in the generated
 * client yet. It goes to the network directly, never through the local API.
 */
import { currentToken } from "../auth/session";
import { NETWORK_PROBLEM, ProblemError, problemFrom } from "../api/problem";
import type {
  AllotmentRow,
  AppointmentRow,
  ClinicRow,
  LeaveRow,
  Outcome,
  PatientRow,
  ProviderRow,
  Row,
  ShiftRow,
  StartsRow,
  TypeRow,
} from "./db";
import { requestEnded, requestStarted } from "./state";
import type { Conflict, MutationKind, ResolveBody } from "./types";

/**
 * An appointment as the pull sends it (docs/offline-sync.md): times in UTC, no clinic or zone,
 * and a field left out is null (false for the flags, "online" for `origin`). `applyPull` fills
 * the AppointmentRead shape back in.
 */
export interface SlimAppointment {
  id: string;
  type_id: string;
  provider_id: string;
  patient_id?: string | null;
  room_id?: string | null;
  status: AppointmentRow["status"];
  starts_at: string;
  ends_at: string;
  booked_by?: string | null;
  walk_in?: boolean;
  overbooked?: boolean;
  overbook_reason?: string | null;
  note?: string | null;
  cancelled_at?: string | null;
  cancelled_by_party?: string | null;
  cancel_reason?: string | null;
  needs_reschedule?: boolean;
  needs_reschedule_reason?: string | null;
  waitlist_entry_id?: string | null;
  origin?: "online" | "offline";
  recorded_at?: string | null;
}

export type TombstoneEntity = "appointment" | "shift" | "leave" | "type" | "room" | "patient" | "provider" | "allotment";

export interface PullResponse {
  kind: "snapshot" | "changes";
  cursor: string;
  server_time: string;
  window: { from: string; to: string };
  clinic: ClinicRow;
  types: TypeRow[];
  rooms: Row[];
  providers: ProviderRow[];
  shifts: ShiftRow[];
  leave: LeaveRow[];
  patients: PatientRow[];
  appointments: SlimAppointment[];
  allotments: AllotmentRow[];
  availability: StartsRow[];
  reserved: StartsRow[];
  tombstones: { entity: TombstoneEntity; id: string }[];
  open_conflicts: number;
}

export interface PushMutation {
  id: string;
  seq: number;
  recorded_at: string;
  kind: MutationKind;
  depends_on?: string[];
  args: Record<string, unknown>;
}

export interface PushRequest {
  device_id: string;
  clinic_id: string;
  mutations: PushMutation[];
}

export interface PushResponse {
  outcomes: Outcome[];
}

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  const asked = requestStarted();
  try {
    response = await globalThis.fetch(new URL(path, window.location.origin), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    requestEnded(asked, false);
    throw new ProblemError(0, { ...NETWORK_PROBLEM, detail: String(error) });
  }
  requestEnded(asked, true);
  if (!response.ok) {
    throw await problemFrom(response);
  }
  return (await response.json()) as T;
}

export function pullClinic(clinicId: string, deviceId: string, cursor: string | null): Promise<PullResponse> {
  const query = new URLSearchParams({ device_id: deviceId });
  if (cursor) query.set("cursor", cursor);
  return call("GET", `/v1/sync/clinics/${encodeURIComponent(clinicId)}?${query}`);
}

export function pushMutations(body: PushRequest): Promise<PushResponse> {
  return call("POST", "/v1/sync/push", body);
}

/** Every conflict of the clinic with the status, oldest first (all pages). */
export async function fetchConflicts(clinicId: string, status?: "open" | "resolved"): Promise<Conflict[]> {
  const out: Conflict[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "200" });
    if (status) query.set("status", status);
    if (cursor) query.set("cursor", cursor);
    const page: Page<Conflict> = await call("GET", `/v1/sync/clinics/${encodeURIComponent(clinicId)}/conflicts?${query}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export function postResolve(conflictId: string, body: ResolveBody): Promise<Conflict> {
  return call("POST", `/v1/sync/conflicts/${encodeURIComponent(conflictId)}/resolve`, body);
}

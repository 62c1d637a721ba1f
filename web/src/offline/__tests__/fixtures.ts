/** A clinic's working set as the sync pull answers it, and a device to drive offline mode. */
import { http, HttpResponse } from "msw";

import { accessToken } from "../../../test/token";
import type { AppointmentRow } from "../db";
import { localFetch } from "../localApi";
import type { PullResponse } from "../syncApi";

export const CLINIC = "c0000000-0000-4000-8000-000000000001";
export const TYPE = "70000000-0000-4000-8000-000000000001";
export const DR_A = "d0000000-0000-4000-8000-00000000000a";
export const DR_B = "d0000000-0000-4000-8000-00000000000b";
export const AMINA = "a0000000-0000-4000-8000-000000000001";
export const DESK = "e0000000-0000-4000-8000-000000000001";
export const ZONE = "Africa/Nairobi";

const HOUR = 3_600_000;
/** Tomorrow at 06:00 UTC (09:00 in Nairobi), on the hour. */
export const TOMORROW = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 30 * HOUR;
export const at = (minutes: number) => new Date(TOMORROW + minutes * 60_000).toISOString().replace(".000Z", "Z");

export function appointment(id: string, startsAt: string, changes: Partial<AppointmentRow> = {}): AppointmentRow {
  const ends = new Date(Date.parse(startsAt) + 20 * 60_000).toISOString();
  return {
    id,
    clinic_id: CLINIC,
    type_id: TYPE,
    provider_id: DR_A,
    patient_id: AMINA,
    room_id: null,
    status: "booked",
    starts_at: startsAt,
    ends_at: ends,
    time_zone: ZONE,
    hold_expires_at: null,
    booked_by: DESK,
    walk_in: false,
    overbooked: false,
    overbook_reason: null,
    note: null,
    booked_at: startsAt,
    cancelled_at: null,
    cancelled_by_party: null,
    cancel_reason: null,
    needs_reschedule: false,
    needs_reschedule_reason: null,
    origin: "online",
    recorded_at: null,
    waitlist_entry_id: null,
    created_at: startsAt,
    updated_at: startsAt,
    ...changes,
  };
}

export function snapshot(changes: Partial<PullResponse> = {}): PullResponse {
  return {
    kind: "snapshot",
    cursor: "cursor-1",
    server_time: new Date().toISOString(),
    window: { from: new Date(Date.now() - 7 * 24 * HOUR).toISOString(), to: new Date(Date.now() + 14 * 24 * HOUR).toISOString() },
    clinic: { id: CLINIC, name: "Kibera", time_zone: ZONE },
    types: [
      {
        id: TYPE,
        clinic_id: CLINIC,
        name: "Consultation",
        duration_minutes: 20,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        step_minutes: 20,
        online_bookable: true,
        requires_room: false,
        active: true,
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
      } as PullResponse["types"][number],
    ],
    rooms: [],
    providers: [
      { id: DR_A, full_name: "Dr Achieng", specialty: null },
      { id: DR_B, full_name: "Dr Baraka", specialty: null },
    ],
    shifts: [{ id: "5a000000-0000-4000-8000-000000000001", staff_id: DR_A, starts_at: at(0), ends_at: at(480), breaks: [] }],
    leave: [],
    patients: [{ id: AMINA, full_name: "Amina Odhiambo", phone: "+254712345678" }],
    appointments: [appointment("b0000000-0000-4000-8000-000000000001", at(0))],
    allotments: [],
    availability: [
      { type_id: TYPE, provider_id: DR_A, starts: [at(20), at(40), at(60)] },
      { type_id: TYPE, provider_id: DR_B, starts: [at(20), at(40)] },
    ],
    reserved: [],
    tombstones: [],
    open_conflicts: 0,
    ...changes,
  };
}

export const DESK_ROLES = [{ role: "receptionist", clinic_id: CLINIC }];

/** The session refresh answers a receptionist of the clinic (the default handler refuses). */
export const signedIn = (roles = DESK_ROLES) =>
  http.post("*/v1/auth/session/refresh", () => HttpResponse.json({ access_token: accessToken(DESK, roles), expires_in: 900, offline_hours: 72 }));

let online = true;
/** navigator.onLine as a test says. */
export function setOnline(value: boolean): void {
  online = value;
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => online });
}

export function get(path: string): Promise<Response> {
  return localFetch(new Request(new URL(path, window.location.origin)));
}

export function post(path: string, body: unknown): Promise<Response> {
  return localFetch(
    new Request(new URL(path, window.location.origin), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

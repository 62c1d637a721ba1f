/** The desk's fake clinic: a receptionist signed in, one provider on shift, answers as pages. */
import { http, HttpResponse } from "msw";

import type { components } from "../../../api/schema";
import type { User } from "../../../auth/AuthProvider";
import type { Appointment, RosterShift } from "../layout";
import { today } from "../zone";

export const CLINIC_ID = "11111111-1111-4111-8111-111111111111";
export const PROVIDER_ID = "22222222-2222-4222-8222-222222222222";
export const DESK_ID = "33333333-3333-4333-8333-333333333333";
export const PATIENT_ID = "44444444-4444-4444-8444-444444444444";
export const TYPE_ID = "55555555-5555-4555-8555-555555555555";
export const ZONE = "Africa/Nairobi";
export const DAY = today(ZONE);

function person(id: string, kind: "staff" | "patient", name: string, extra: Partial<User> = {}): User {
  return {
    id,
    kind,
    full_name: name,
    phone: null,
    email: null,
    date_of_birth: null,
    preferred_language: "en",
    consent: { sms: false, whatsapp: false },
    active: true,
    deactivated_at: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    memberships: [],
    ...extra,
  };
}

export const receptionist = person(DESK_ID, "staff", "Faith Reception", {
  email: "reception@demo.clinic",
  memberships: [{ id: "m1", role: "receptionist", clinic_id: CLINIC_ID, specialty: null, granted_at: "2026-01-01T00:00:00Z" }],
});
export const provider = person(PROVIDER_ID, "staff", "Dr Peter Otieno", {
  memberships: [{ id: "m2", role: "provider", clinic_id: CLINIC_ID, specialty: "general practice", granted_at: "2026-01-01T00:00:00Z" }],
});
export const patient = person(PATIENT_ID, "patient", "Amina Wanjiku", { phone: "+254700000001" });

export const clinic: components["schemas"]["ClinicRead"] = {
  id: CLINIC_ID,
  name: "Kibera Health Centre",
  time_zone: ZONE,
  address: null,
  phone: null,
  opening_hours: [],
  booking_policy: { min_notice_minutes: 60, max_advance_days: 90, cancellation_cutoff_hours: 24, patient_self_booking: true },
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

export const type: components["schemas"]["TypeRead"] = {
  id: TYPE_ID,
  clinic_id: CLINIC_ID,
  name: "General consultation",
  duration_minutes: 20,
  buffer_before_minutes: 0,
  buffer_after_minutes: 5,
  step_minutes: 15,
  specialties: [],
  min_notice_minutes: null,
  max_days_ahead: null,
  online_bookable: true,
  requires_room: false,
  active: true,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

/** A local time of the test day in Nairobi (UTC+3, no DST), as the API writes it. */
export const at = (hhmm: string, day = DAY) => `${day}T${hhmm}:00+03:00`;

export function shift(overrides: Partial<RosterShift> = {}): RosterShift {
  return {
    id: crypto.randomUUID(),
    clinic_id: CLINIC_ID,
    staff_id: PROVIDER_ID,
    staff_name: "Dr Peter Otieno",
    role: "provider",
    local_date: DAY,
    starts_at: at("08:00"),
    ends_at: at("17:00"),
    breaks: [{ starts_at: at("13:00"), ends_at: at("14:00") }],
    worked_hours: 8,
    status: "scheduled",
    template_id: null,
    modified: false,
    cancel_reason: null,
    note: null,
    updated_at: "2026-01-01T00:00:00Z",
    on_leave: false,
    ...overrides,
  };
}

export function appointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: crypto.randomUUID(),
    clinic_id: CLINIC_ID,
    type_id: TYPE_ID,
    provider_id: PROVIDER_ID,
    patient_id: PATIENT_ID,
    room_id: null,
    status: "booked",
    starts_at: at("09:00"),
    ends_at: at("09:20"),
    time_zone: ZONE,
    hold_expires_at: null,
    booked_by: "clinic",
    walk_in: false,
    overbooked: false,
    overbook_reason: null,
    note: null,
    booked_at: "2026-01-01T00:00:00Z",
    cancelled_at: null,
    cancelled_by_party: null,
    cancel_reason: null,
    needs_reschedule: false,
    needs_reschedule_reason: null,
    origin: "online",
    recorded_at: null,
    waitlist_entry_id: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

export const page = <T,>(items: T[]) => HttpResponse.json({ items, next_cursor: null });

/** Signed in as the receptionist; the clinic, its type, provider and patient can be read. */
export function deskSession(people: User[] = [provider, patient]) {
  return [
    http.post("*/v1/auth/session/refresh", () => HttpResponse.json({ access_token: "token", token_type: "bearer", expires_in: 900 })),
    http.get("*/v1/me", () => HttpResponse.json(receptionist)),
    http.get("*/v1/clinics", () => page([clinic])),
    http.get("*/v1/appointment-types", () => page([type])),
    http.get("*/v1/notifications", () => page([])),
    http.get("*/v1/users/:id", ({ params }) => {
      const found = people.find((p) => p.id === params.id);
      return found ? HttpResponse.json(found) : HttpResponse.json({ type: "urn:clinic:problem:not-found", status: 404 }, { status: 404 });
    }),
  ];
}

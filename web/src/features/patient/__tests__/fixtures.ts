/** The API's answers for the patient screens' tests, around a day two days from now. */
import { http, HttpResponse } from "msw";

import type { components } from "../../../api/schema";
import { addDays, clinicToday, isoInZone, dayStart } from "../../../components/booking/days";

type Appointment = components["schemas"]["AppointmentRead"];

export const ZONE = "Africa/Nairobi";
export const CLINIC_ID = "11111111-1111-4111-8111-111111111111";
export const TYPE_ID = "22222222-2222-4222-8222-222222222222";
export const PROVIDER_ID = "33333333-3333-4333-8333-333333333333";
export const DAY = addDays(clinicToday(ZONE), 2);

/** An instant on DAY at a clinic-local hh:mm, with the clinic's offset. */
export function at(hhmm: string, day = DAY): string {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return isoInZone(new Date(dayStart(day, ZONE).getTime() + (h * 60 + m) * 60000), ZONE);
}

export const clinic = {
  id: CLINIC_ID,
  name: "Kibera Health Centre",
  time_zone: ZONE,
  address: "Olympic Estate, Nairobi",
  phone: "+254711000000",
  opening_hours: [],
  booking_policy: { min_notice_minutes: 60, max_advance_days: 90, cancellation_cutoff_hours: 24, patient_self_booking: true },
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

export const type = {
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

export function slot(hhmm: string, day = DAY) {
  const starts = at(hhmm, day);
  return {
    starts_at: starts,
    ends_at: isoInZone(new Date(new Date(starts).getTime() + 20 * 60000), ZONE),
    providers: [{ id: PROVIDER_ID, name: "Dr Peter Otieno" }],
  };
}

export function appointment(overrides: Partial<Appointment> = {}): Appointment {
  const starts = overrides.starts_at ?? at("09:00");
  return {
    id: "44444444-4444-4444-8444-444444444444",
    clinic_id: CLINIC_ID,
    type_id: TYPE_ID,
    provider_id: PROVIDER_ID,
    patient_id: "u1",
    room_id: null,
    status: "booked",
    starts_at: starts,
    ends_at: isoInZone(new Date(new Date(starts).getTime() + 20 * 60000), ZONE),
    time_zone: ZONE,
    hold_expires_at: null,
    booked_by: "u1",
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

/** A signed-in patient, one clinic with one type, and free times at 09:00, 09:15 and 10:00. */
export function signedInPatient() {
  return [
    http.post("*/v1/auth/session/refresh", () =>
      HttpResponse.json({ access_token: "t", token_type: "bearer", expires_in: 900 }),
    ),
    http.get("*/v1/me", () =>
      HttpResponse.json({
        id: "u1", kind: "patient", full_name: "Amina Wanjiru", phone: "+254700000001", email: null,
        date_of_birth: null, preferred_language: "en", consent: { sms: true, whatsapp: false },
        active: true, deactivated_at: null, created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z", memberships: [],
      }),
    ),
    http.get("*/v1/clinics", () => HttpResponse.json({ items: [clinic], next_cursor: null })),
    http.get("*/v1/clinics/:id", () => HttpResponse.json(clinic)),
    http.get("*/v1/appointment-types", () => HttpResponse.json({ items: [type], next_cursor: null })),
    http.get("*/v1/slots", () =>
      HttpResponse.json({ items: [slot("09:00"), slot("09:15"), slot("10:00")], next_cursor: null }),
    ),
  ];
}

/** Test helpers of the provider and clinic screens: a signed-in staff member, answers as pages. */
import { http, HttpResponse } from "msw";

import type { User } from "../../../auth/AuthProvider";
import type { components } from "../../../api/schema";

export const CLINIC_ID = "11111111-1111-4111-8111-111111111111";
export const PROVIDER_ID = "22222222-2222-4222-8222-222222222222";
export const DESK_ID = "33333333-3333-4333-8333-333333333333";
export const PATIENT_ID = "44444444-4444-4444-8444-444444444444";
export const TYPE_ID = "55555555-5555-4555-8555-555555555555";

export function staff(id: string, role: "provider" | "receptionist" | "clinic_admin", name: string): User {
  return {
    id,
    kind: "staff",
    full_name: name,
    phone: null,
    email: `${role}@demo.clinic`,
    date_of_birth: null,
    preferred_language: "en",
    consent: { sms: false, whatsapp: false },
    active: true,
    deactivated_at: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    memberships: [{ id: `m-${id}`, role, clinic_id: CLINIC_ID, specialty: null, granted_at: "2026-01-01T00:00:00Z" }],
  };
}

export const provider = staff(PROVIDER_ID, "provider", "Dr Wanjiru Kamau");
export const receptionist = staff(DESK_ID, "receptionist", "Otieno Desk");

export const clinic: components["schemas"]["ClinicRead"] = {
  id: CLINIC_ID,
  name: "Demo Clinic Nairobi",
  time_zone: "Africa/Nairobi",
  address: null,
  phone: null,
  opening_hours: [],
  booking_policy: {} as components["schemas"]["BookingPolicy"],
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

/** The session cookie answers, /v1/me is `user`, and the clinic and people can be read. */
export function signedInAs(user: User, people: User[] = []) {
  const everyone = [user, ...people];
  return [
    http.post("*/v1/auth/session/refresh", () =>
      HttpResponse.json({ access_token: "token", token_type: "bearer", expires_in: 900 }),
    ),
    http.get("*/v1/me", () => HttpResponse.json(user)),
    http.get("*/v1/clinics/:id", () => HttpResponse.json(clinic)),
    http.get("*/v1/clinics", () => HttpResponse.json({ items: [clinic], next_cursor: null })),
    http.get("*/v1/users/:id", ({ params }) => {
      const found = everyone.find((person) => person.id === params.id);
      return found
        ? HttpResponse.json(found)
        : HttpResponse.json({ type: "urn:clinic:problem:not-found", status: 404 }, { status: 404 });
    }),
  ];
}

export function page<T>(items: T[]) {
  return HttpResponse.json({ items, next_cursor: null });
}

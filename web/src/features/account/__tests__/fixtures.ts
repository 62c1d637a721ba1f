/** API answers the account tests share. (Timeouts and the notices' reset: test/setup.ts.) */
import { http, HttpResponse } from "msw";

import type { components } from "../../../api/schema";

export const POLICY: components["schemas"]["PasswordPolicyRead"] = {
  min_length: 12,
  max_length: 128,
  min_score: 3,
  rules: ["Use between 12 and 128 characters."],
};

export function me(overrides: Partial<components["schemas"]["UserRead"]> = {}): components["schemas"]["UserRead"] {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    kind: "patient",
    full_name: "Amina Odhiambo",
    phone: "+254712345678",
    email: null,
    date_of_birth: "1990-03-07",
    preferred_language: "en",
    consent: { sms: true, whatsapp: false },
    active: true,
    deactivated_at: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    memberships: [],
    ...overrides,
  };
}

export const policyHandler = http.get("*/v1/auth/password-policy", () => HttpResponse.json(POLICY));

/** A signed-in patient: the refresh cookie answers and /v1/me says who. */
export function signedIn(user = me()) {
  return [
    http.post("*/v1/auth/session/refresh", () =>
      HttpResponse.json({ access_token: "t", token_type: "bearer", expires_in: 900 }),
    ),
    http.get("*/v1/me", () => HttpResponse.json(user)),
  ];
}

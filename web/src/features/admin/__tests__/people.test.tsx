import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { vi } from "vitest";

import type { components } from "../../../api/schema";
import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import { accessToken, type TokenRole } from "../../../../test/token";
import { adminRoutes } from "../routes";

beforeAll(async () => {
  await Promise.all([import("../ClinicsPage"), import("../PeoplePage")]);
}, 30_000);
vi.setConfig({ testTimeout: 40_000 });
configure({ asyncUtilTimeout: 10_000 });

type User = components["schemas"]["UserRead"];
const CLINIC_ID = "11111111-1111-4111-8111-111111111111";
const OTHER_CLINIC = "99999999-9999-4999-8999-999999999999";
const ADMIN_ID = "77777777-7777-4777-8777-777777777777";
const NEW_ID = "88888888-8888-4888-8888-888888888888";

const clinic: components["schemas"]["ClinicRead"] = {
  id: CLINIC_ID,
  name: "Kibera Health Centre",
  time_zone: "Africa/Nairobi",
  address: "Olympic Estate",
  phone: null,
  opening_hours: [{ day: "mon", opens: "08:00:00", closes: "17:00:00" }],
  booking_policy: { min_notice_minutes: 60, max_advance_days: 90, cancellation_cutoff_hours: 24, patient_self_booking: true },
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};
const other = { ...clinic, id: OTHER_CLINIC, name: "Mombasa Road Clinic" };

function person(id: string, name: string, extra: Partial<User> = {}): User {
  return {
    id, kind: "staff", full_name: name, phone: null, email: null, date_of_birth: null, preferred_language: "en",
    consent: { sms: false, whatsapp: false }, active: true, deactivated_at: null,
    created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", memberships: [], ...extra,
  };
}

const page = <T,>(items: T[]) => HttpResponse.json({ items, next_cursor: null });

/** Signed in as an admin with `roles`; both clinics exist in the network. */
function session(roles: TokenRole[]) {
  const me = person(ADMIN_ID, "Grace Admin", { memberships: roles.map((r, i) => ({ id: `m${i}`, specialty: null, granted_at: "2026-01-01T00:00:00Z", ...r })) as User["memberships"] });
  return [
    http.post("*/v1/auth/session/refresh", () => HttpResponse.json({ access_token: accessToken(ADMIN_ID, roles), token_type: "bearer", expires_in: 900 })),
    http.get("*/v1/me", () => HttpResponse.json(me)),
    http.get("*/v1/clinics", () => page([clinic, other])),
    http.get("*/v1/auth/password-policy", () => HttpResponse.json({ min_length: 12, max_length: 128, min_score: 3, rules: [] })),
  ];
}

describe("clinic settings", () => {
  it("saves hours and policy, and puts a refusal's field errors next to their fields", async () => {
    let sent: Record<string, unknown> = {};
    server.use(
      ...session([{ role: "org_admin", clinic_id: null }]),
      http.get("*/v1/clinics/:id/closures", () => page([])),
      http.patch("*/v1/clinics/:id", async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        return problem(422, "validation-error", {
          errors: [
            { field: "body.booking_policy.max_advance_days", message: "Input should be less than or equal to 730", code: "less_than_equal" },
            { field: "body.opening_hours.1.closes", message: "Closes after the clinic shuts the gate", code: "value_error" },
          ],
        });
      }),
    );
    renderAt("/admin/clinics", adminRoutes);
    const user = userEvent.setup();
    expect(await screen.findByRole("button", { name: "New clinic" })).toBeInTheDocument();
    const form = await screen.findByRole("form", { name: "Settings of Kibera Health Centre" });
    expect(within(form).getByLabelText(/Clinic name/)).toHaveValue("Kibera Health Centre");
    expect(within(form).getByLabelText("Monday opens at")).toHaveValue("08:00");
    // Tuesday gets hours, the horizon is set beyond what identity allows.
    await user.click(within(form).getByRole("button", { name: "Add hours on Tuesday" }));
    const horizon = within(form).getByLabelText(/Booking horizon/);
    await user.clear(horizon);
    await user.type(horizon, "900");
    await user.click(within(form).getByRole("button", { name: "Save clinic settings" }));

    expect(await within(form).findByText("Input should be less than or equal to 730")).toBeInTheDocument();
    expect(within(form).getByLabelText(/Booking horizon/)).toHaveAttribute("aria-invalid", "true");
    // opening_hours[1] is the second period sent: Tuesday's.
    expect(within(form).getByText("Closes after the clinic shuts the gate")).toBeInTheDocument();
    expect(within(form).getByLabelText("Tuesday closes at")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByLabelText("Monday closes at")).not.toHaveAttribute("aria-invalid", "true");
    expect(sent).toMatchObject({
      name: "Kibera Health Centre",
      time_zone: "Africa/Nairobi",
      address: "Olympic Estate",
      opening_hours: [
        { day: "mon", opens: "08:00", closes: "17:00" },
        { day: "tue", opens: "08:00", closes: "17:00" },
      ],
      booking_policy: { max_advance_days: 900, min_notice_minutes: 60, patient_self_booking: true },
    });
  });
});

describe("staff accounts", () => {
  it("lets a clinic admin create a provider for their clinic and grant them a second role", async () => {
    let created: Record<string, unknown> = {};
    let granted: Record<string, unknown> = {};
    const staff: User[] = [];
    server.use(
      ...session([{ role: "clinic_admin", clinic_id: CLINIC_ID }]),
      http.get("*/v1/users", () => page(staff)),
      http.post("*/v1/users", async ({ request }) => {
        created = (await request.json()) as Record<string, unknown>;
        const body = created as { full_name: string; email: string; memberships: { role: "provider"; clinic_id: string; specialty: string }[] };
        staff.push(person(NEW_ID, body.full_name, { email: body.email, memberships: body.memberships.map((m) => ({ id: "p1", granted_at: "2026-01-01T00:00:00Z", ...m })) }));
        return HttpResponse.json(staff[0], { status: 201 });
      }),
      http.get("*/v1/users/:id/memberships", () => HttpResponse.json(staff[0]?.memberships ?? [])),
      http.post("*/v1/users/:id/memberships", async ({ request }) => {
        granted = (await request.json()) as Record<string, unknown>;
        const membership = { id: "r1", granted_at: "2026-01-02T00:00:00Z", specialty: null, ...granted } as User["memberships"][number];
        staff[0]!.memberships.push(membership);
        return HttpResponse.json(membership, { status: 201 });
      }),
    );
    renderAt("/admin/people", adminRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New staff account" }));
    const form = screen.getByRole("region", { name: "New staff account" });
    // A clinic admin cannot make organisation admins, nor staff of clinics they do not run.
    const role = within(form).getByLabelText("Role");
    expect(within(role).queryByRole("option", { name: "Organisation admin" })).toBeNull();
    const clinicSelect = within(form).getByLabelText(/^Clinic/);
    expect(within(clinicSelect).getAllByRole("option").map((o) => o.textContent)).toEqual(["Choose a clinic", "Kibera Health Centre"]);
    expect(within(form).getByText(/be 12 to 128 characters long/)).toBeInTheDocument();

    await user.type(within(form).getByLabelText(/Full name/), "Dr Neema Achieng");
    await user.type(within(form).getByLabelText(/E-mail/), "neema@demo.clinic");
    await user.type(within(form).getByLabelText(/First password/), "short");
    await user.type(within(form).getByLabelText(/Specialty/), "paediatrics");
    await user.click(within(form).getByRole("button", { name: "Create account" }));
    expect(await within(form).findByText(/be 12 to 128 characters long/, { selector: ".mantine-InputWrapper-error" })).toBeInTheDocument();
    expect(created).toEqual({});

    await user.type(within(form).getByLabelText(/First password/), " jua kali mango sunrise");
    await user.click(within(form).getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("Account created for Dr Neema Achieng.")).toBeInTheDocument();
    expect(created).toMatchObject({
      full_name: "Dr Neema Achieng",
      email: "neema@demo.clinic",
      phone: null,
      password: "short jua kali mango sunrise",
      memberships: [{ role: "provider", clinic_id: CLINIC_ID, specialty: "paediatrics" }],
    });

    const card = await screen.findByRole("listitem", { name: "Dr Neema Achieng" });
    expect(within(card).getByText("Provider · Kibera Health Centre · paediatrics")).toBeInTheDocument();
    await user.click(within(card).getByRole("button", { name: "Roles of Dr Neema Achieng" }));
    const grant = await within(card).findByRole("form", { name: "Grant a role to Dr Neema Achieng" });
    await user.selectOptions(within(grant).getByLabelText("Role"), "receptionist");
    await user.click(within(grant).getByRole("button", { name: "Grant role" }));
    expect(await within(card).findByRole("status")).toHaveTextContent("Dr Neema Achieng is now Receptionist · Kibera Health Centre.");
    expect(granted).toEqual({ role: "receptionist", clinic_id: CLINIC_ID, specialty: null });
    await waitFor(() => expect(within(card).getByRole("button", { name: "Revoke Receptionist · Kibera Health Centre" })).toBeInTheDocument());
  });
});

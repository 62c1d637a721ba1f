import { fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import type { components } from "../../../api/schema";
import { signedIn } from "./fixtures";

// The API client keeps the `fetch` it finds when first imported: import the screens only once
// msw is listening (setup's beforeAll), or their calls would miss the fakes.
let renderAt: typeof import("../../../../test/render").renderAt;
let WaitlistPage: typeof import("../WaitlistPage").WaitlistPage;
beforeAll(async () => {
  ({ renderAt } = await import("../../../../test/render"));
  ({ WaitlistPage } = await import("../WaitlistPage"));
}, 120_000);

vi.setConfig({ testTimeout: 90_000 }); // typing through userEvent is slow on a loaded machine

const CLINIC = "00000000-0000-4000-8000-00000000c111";
const TYPE = "00000000-0000-4000-8000-00000000a111";
const PROVIDER = "00000000-0000-4000-8000-00000000b111";
const HOLD = "00000000-0000-4000-8000-00000000d111";

const clinic = {
  id: CLINIC, name: "Demo Clinic Kisumu", time_zone: "Africa/Nairobi", address: null, phone: null, opening_hours: [],
  booking_policy: {}, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
};
const type = {
  id: TYPE, clinic_id: CLINIC, name: "General consultation", duration_minutes: 20, active: true, online_bookable: true,
  created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
};

function entry(overrides: Partial<components["schemas"]["WaitlistRead"]> = {}): components["schemas"]["WaitlistRead"] {
  return {
    id: "00000000-0000-4000-8000-00000000e111", clinic_id: CLINIC, type_id: TYPE, provider_id: null,
    patient_id: "00000000-0000-4000-8000-000000000001", earliest: "2026-12-07T05:00:00Z", latest: "2026-12-20T14:00:00Z",
    status: "waiting", hold_id: null, offers_made: 0, note: null, created_at: "2026-12-06T10:00:00Z",
    updated_at: "2026-12-06T10:00:00Z", ...overrides,
  };
}

function base(entries: components["schemas"]["WaitlistRead"][]) {
  return [
    ...signedIn(),
    http.get("*/v1/clinics", () => HttpResponse.json({ items: [clinic], next_cursor: null })),
    http.get("*/v1/appointment-types", () => HttpResponse.json({ items: [type], next_cursor: null })),
    http.get("*/v1/waitlist", () => HttpResponse.json({ items: entries, next_cursor: null })),
  ];
}

function hold() {
  return http.get(`*/v1/slot-holds/${HOLD}`, () =>
    HttpResponse.json({
      id: HOLD, clinic_id: CLINIC, type_id: TYPE, provider_id: PROVIDER, status: "pending",
      starts_at: "2026-12-09T07:00:00Z", ends_at: "2026-12-09T07:20:00Z", time_zone: "Africa/Nairobi",
      hold_expires_at: new Date(Date.now() + 4 * 60_000).toISOString(),
    }),
  );
}

describe("waitlist", () => {
  it("shows an offer with the time left and books it", async () => {
    let booked: unknown = null;
    server.use(
      ...base([entry({ status: "offered", hold_id: HOLD, offers_made: 1 })]),
      hold(),
      http.post("*/v1/appointments", async ({ request }) => {
        booked = await request.json();
        return HttpResponse.json({ id: HOLD, status: "booked" }, { status: 201 });
      }),
    );
    renderAt("/waitlist", <Route path="/waitlist" element={<WaitlistPage />} />);
    expect(await screen.findByText("Time offered")).toBeInTheDocument();
    expect(await screen.findByText(/kept for you for [34]:\d\d more/i)).toBeInTheDocument();
    await userEvent.setup({ delay: null }).click(screen.getByRole("button", { name: "Book it" }));
    expect(await screen.findByText(/is booked/i)).toBeInTheDocument();
    expect(booked).toEqual({ hold_id: HOLD, walk_in: false });
  });

  it("says so next to the offer when it has lapsed meanwhile", async () => {
    server.use(
      ...base([entry({ status: "offered", hold_id: HOLD })]),
      hold(),
      http.post("*/v1/appointments", () => problem(409, "hold-expired", { detail: "The hold has lapsed." })),
    );
    renderAt("/waitlist", <Route path="/waitlist" element={<WaitlistPage />} />);
    await userEvent.setup({ delay: null }).click(await screen.findByRole("button", { name: "Book it" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/this offer has lapsed/i);
    expect(screen.queryByRole("button", { name: "Book it" })).not.toBeInTheDocument();
  });

  it("joins with the booking screen's clinic, type and provider, in the clinic's zone", async () => {
    let sent: Record<string, unknown> | null = null;
    server.use(
      ...base([]),
      http.post("*/v1/waitlist", async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(entry(), { status: 201 });
      }),
    );
    renderAt(`/waitlist?clinic=${CLINIC}&type=${TYPE}&provider=${PROVIDER}`, <Route path="/waitlist" element={<WaitlistPage />} />);
    expect(await screen.findByText(/not waiting for any appointment/i)).toBeInTheDocument();
    expect(await screen.findByRole("option", { name: /general consultation/i })).toBeInTheDocument();
    expect(screen.getByLabelText(/only with the provider i chose/i)).toBeChecked();
    fireEvent.change(screen.getByLabelText(/from \(date\)/i), { target: { value: "2027-01-04" } });
    fireEvent.change(screen.getByLabelText(/from \(time\)/i), { target: { value: "08:00" } });
    fireEvent.change(screen.getByLabelText(/until \(date\)/i), { target: { value: "2027-01-08" } });
    fireEvent.change(screen.getByLabelText(/until \(time\)/i), { target: { value: "17:00" } });
    await userEvent.setup({ delay: null }).click(screen.getByRole("button", { name: "Join the waitlist" }));
    await screen.findByText(/you are on the waitlist/i);
    expect(sent).toEqual({
      clinic_id: CLINIC,
      type_id: TYPE,
      provider_id: PROVIDER,
      earliest: "2027-01-04T05:00:00.000Z",
      latest: "2027-01-08T14:00:00.000Z",
    });
  });

  it("shows a refused join next to the form", async () => {
    server.use(
      ...base([]),
      http.post("*/v1/waitlist", () => problem(403, "forbidden", { detail: "This clinic books appointments through its staff only." })),
    );
    renderAt(`/waitlist?clinic=${CLINIC}&type=${TYPE}`, <Route path="/waitlist" element={<WaitlistPage />} />);
    await screen.findByRole("option", { name: /general consultation/i });
    await userEvent.setup({ delay: null }).click(screen.getByRole("button", { name: "Join the waitlist" }));
    expect((await screen.findByText(/not allowed to do that/i)).closest("[role=alert]")).not.toBeNull();
  });
});

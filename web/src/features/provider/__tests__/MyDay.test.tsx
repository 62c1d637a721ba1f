import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import type { components } from "../../../api/schema";
import { CLINIC_ID, page, PATIENT_ID, PROVIDER_ID, provider, signedInAs, staff, TYPE_ID } from "../../clinic/__tests__/session";
import { addDays, todayIn, zonedInstant } from "../days";
import MyDay from "../MyDay";

type Appointment = components["schemas"]["AppointmentRead"];
const ZONE = "Africa/Nairobi";

function visit(day: string, time: string, overrides: Partial<Appointment> = {}): Appointment {
  const starts = zonedInstant(day, time, ZONE);
  return {
    id: crypto.randomUUID(),
    clinic_id: CLINIC_ID,
    type_id: TYPE_ID,
    provider_id: PROVIDER_ID,
    patient_id: PATIENT_ID,
    room_id: null,
    status: "booked",
    starts_at: starts,
    ends_at: new Date(new Date(starts).getTime() + 20 * 60_000).toISOString(),
    time_zone: ZONE,
    hold_expires_at: null,
    booked_by: null,
    walk_in: false,
    overbooked: false,
    overbook_reason: null,
    note: null,
    booked_at: null,
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

const patient = { ...staff(PATIENT_ID, "provider", "Amina Wanjiku"), kind: "patient" as const, memberships: [] };
const types = page([{ id: TYPE_ID, clinic_id: CLINIC_ID, name: "General consultation", duration_minutes: 20 }]);

describe("my day", () => {
  it("lists the provider's visits of the clinic-local day in order, with status words, and pages to the next day", async () => {
    const today = todayIn(ZONE);
    const asked: URLSearchParams[] = [];
    server.use(
      ...signedInAs(provider, [patient]),
      http.get("*/v1/appointment-types", () => types),
      http.get("*/v1/appointments", ({ request }) => {
        const query = new URL(request.url).searchParams;
        asked.push(query);
        if (query.get("from") !== zonedInstant(today, "00:00", ZONE)) {
          return page([]);
        }
        return page([
          visit(today, "11:00", { status: "checked-in" }),
          visit(today, "09:00", { needs_reschedule: true }),
          visit(today, "10:00", { status: "pending" }),
          visit(today, "12:00", { status: "cancelled" }),
        ]);
      }),
    );
    renderAt("/provider", <Route path="/provider" element={<MyDay />} />);
    const rows = await screen.findAllByTestId("day-visit");
    expect(rows).toHaveLength(3); // the hold is not a visit
    expect(within(rows[0]!).getByText(/9:00/)).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Booked")).toBeInTheDocument();
    expect(within(rows[0]!).getByText(/Must be moved/)).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Checked in")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Cancelled")).toBeInTheDocument();
    expect(await within(rows[0]!).findByText("Amina Wanjiku")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("General consultation")).toBeInTheDocument();
    expect(screen.getByText("2 appointments")).toBeInTheDocument();
    const first = asked[asked.length - 1]!;
    expect(first.get("provider_id")).toBe(PROVIDER_ID);
    expect(first.get("clinic_id")).toBe(CLINIC_ID);
    expect(first.get("to")).toBe(zonedInstant(addDays(today, 1), "00:00", ZONE));
    expect(first.get("from")).toMatch(/T00:00:00\+03:00$/);

    await userEvent.setup().click(screen.getByRole("button", { name: "Next day" }));
    expect(await screen.findByText("No appointments on this day.")).toBeInTheDocument();
    expect(asked[asked.length - 1]!.get("from")).toBe(zonedInstant(addDays(today, 1), "00:00", ZONE));
  });

  it("opens the messages of a visit in a drawer", async () => {
    const today = todayIn(ZONE);
    const one = visit(today, "09:00");
    server.use(
      ...signedInAs(provider, [patient]),
      http.get("*/v1/appointment-types", () => types),
      http.get("*/v1/appointments", () => page([one])),
      http.get("*/v1/notifications", ({ request }) =>
        new URL(request.url).searchParams.get("appointment_id") === one.id
          ? page([
              {
                id: "n1", appointment_id: one.id, clinic_id: CLINIC_ID, patient_id: PATIENT_ID, kind: "confirmation",
                channel: "sms", provider: "log", status: "sent", due_at: one.created_at, next_attempt_at: null,
                attempted_at: one.created_at, sent_at: one.created_at, attempts: 1, error_code: null,
                error_detail: null, provider_message_id: "x", to: "*********001", body: "Hi",
              },
            ])
          : page([]),
      ),
    );
    renderAt("/provider", <Route path="/provider" element={<MyDay />} />);
    await userEvent.setup().click(await screen.findByRole("button", { name: "Messages to Amina Wanjiku" }));
    const dialog = await screen.findByRole("dialog");
    expect(await within(dialog).findByText("Confirmation")).toBeInTheDocument();
    expect(within(dialog).getByText("Sent")).toBeInTheDocument();
  });

  it("shows a failed read where the list would be", async () => {
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/appointment-types", () => types),
      http.get("*/v1/appointments", () => problem(503, "busy")),
    );
    renderAt("/provider", <Route path="/provider" element={<MyDay />} />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/busy/i);
  });
});

import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import { AppointmentMessages, type Notification } from "../AppointmentMessages";
import { receptionist, signedInAs } from "./session";

function message(overrides: Partial<Notification>): Notification {
  return {
    id: crypto.randomUUID(),
    appointment_id: "a1",
    clinic_id: "c1",
    patient_id: "p1",
    kind: "confirmation",
    channel: "sms",
    provider: "log",
    status: "sent",
    due_at: "2026-12-01T06:00:00Z",
    next_attempt_at: null,
    attempted_at: "2026-12-01T06:00:01Z",
    sent_at: "2026-12-01T06:00:02Z",
    attempts: 1,
    error_code: null,
    error_detail: null,
    provider_message_id: "m1",
    to: "*********001",
    body: "Hello",
    ...overrides,
  };
}

describe("appointment messages", () => {
  beforeEach(() => server.use(...signedInAs(receptionist)));

  it("lists the messages of the appointment in order, with status words, channel and the reason of a failure", async () => {
    let asked: string | null = null;
    server.use(
      http.get("*/v1/notifications", ({ request }) => {
        asked = new URL(request.url).searchParams.get("appointment_id");
        return HttpResponse.json({
          items: [
            message({
              kind: "reminder",
              status: "failed",
              due_at: "2026-12-02T06:00:00Z",
              sent_at: null,
              error_code: "opted_out",
              error_detail: "The patient opted out of messages.",
            }),
            message({ kind: "confirmation", status: "delivered" }),
            message({
              kind: "reminder",
              status: "scheduled",
              channel: null,
              sent_at: null,
              to: null,
              due_at: "2026-12-03T04:00:00Z",
            }),
          ],
          next_cursor: null,
        });
      }),
    );
    renderAt("/", <Route path="/" element={<AppointmentMessages appointmentId="a1" zone="Africa/Nairobi" />} />);
    const items = await screen.findAllByTestId("appointment-message");
    expect(asked).toBe("a1");
    expect(items).toHaveLength(3);
    expect(within(items[0]!).getByText("Confirmation")).toBeInTheDocument();
    expect(within(items[0]!).getByText("Delivered")).toBeInTheDocument();
    expect(within(items[0]!).getByText(/SMS · \*+001/)).toBeInTheDocument();
    // 06:00 UTC is 09:00 in Nairobi.
    expect(within(items[0]!).getByText(/Sent .*9:00/)).toBeInTheDocument();
    expect(within(items[1]!).getByText("Failed")).toBeInTheDocument();
    expect(within(items[1]!).getByText(/Why: the patient opted out/)).toBeInTheDocument();
    expect(within(items[2]!).getByText("Scheduled")).toBeInTheDocument();
    expect(within(items[2]!).getByText(/Planned for .*7:00/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Messages to the patient" })).toBeInTheDocument();
  });

  it("says so when there is none yet", async () => {
    server.use(http.get("*/v1/notifications", () => HttpResponse.json({ items: [], next_cursor: null })));
    renderAt("/", <Route path="/" element={<AppointmentMessages appointmentId="a1" zone="Africa/Nairobi" />} />);
    expect(await screen.findByText(/No messages about this appointment yet/)).toBeInTheDocument();
  });

  it("shows a refused read as an alert", async () => {
    server.use(http.get("*/v1/notifications", () => problem(403, "forbidden")));
    renderAt("/", <Route path="/" element={<AppointmentMessages appointmentId="a1" zone="Africa/Nairobi" />} />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/not allowed/);
  });
});

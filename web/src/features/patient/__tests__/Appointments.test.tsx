import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";

import { problem, server } from "../../../../test/server";
import { addDays, clinicToday } from "../../../components/booking/days";
import { loadApp } from "./app";
import { appointment, at, signedInPatient, ZONE } from "./fixtures";

// A loaded machine runs several test files at once: give answers time to arrive.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

let app: Awaited<ReturnType<typeof loadApp>>;
beforeAll(async () => {
  app = await loadApp();
}, 60_000);

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

describe("my appointments", () => {
  it("lists upcoming ones with time, type, clinic and status, a page at a time", async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      ...signedInPatient(),
      http.get("*/v1/appointments", ({ request }) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        if (query.get("cursor") === "page2") {
          return HttpResponse.json({ items: [appointment({ id: "a3", starts_at: at("11:00") })], next_cursor: null });
        }
        return HttpResponse.json({
          items: [appointment({ id: "a1" }), appointment({ id: "a2", status: "cancelled", starts_at: at("10:00") })],
          next_cursor: "page2",
        });
      }),
    );
    app.renderAt("/appointments", app.patientRoutes);
    const cards = await screen.findAllByTestId("appointment-card");
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByText("Booked")).toBeInTheDocument();
    expect(within(cards[1]!).getByText("Cancelled")).toBeInTheDocument();
    await waitFor(() => expect(within(cards[0]!).getByText("General consultation")).toBeInTheDocument());
    expect(within(cards[0]!).getByText("Kibera Health Centre")).toBeInTheDocument();
    expect(cards[0]).toHaveTextContent("9:00");
    expect(cards[0]).toHaveAttribute("href", "/appointments/a1");
    expect(queries[0]!.get("from")).toBeTruthy();
    expect(queries[0]!.get("to")).toBeNull();

    await userEvent.setup().click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getAllByTestId("appointment-card")).toHaveLength(1));
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
  });

  it("shows past ones in their own tab, and a failure where the list would be", async () => {
    server.use(
      ...signedInPatient(),
      http.get("*/v1/appointments", ({ request }) =>
        new URL(request.url).searchParams.get("to")
          ? problem(503, "busy", { detail: "The database is busy." })
          : HttpResponse.json({ items: [], next_cursor: null }),
      ),
    );
    app.renderAt("/appointments", app.patientRoutes);
    expect(await screen.findByText("You have no upcoming appointments.")).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole("tab", { name: "Past" }));
    const panel = await screen.findByRole("tabpanel");
    expect(await within(panel).findByRole("alert")).toHaveTextContent(/busy/i);
  });
});

describe("an appointment", () => {
  it("explains the cutoff before, and keeps the old time when a move is refused", async () => {
    const far = appointment({ starts_at: at("09:00", addDays(clinicToday(ZONE), 3)) });
    server.use(
      ...signedInPatient(),
      http.get("*/v1/appointments/:id", () => HttpResponse.json(far)),
      http.post("*/v1/appointments/:id/reschedule", () =>
        problem(409, "slot-taken", {
          alternatives: [{ starts_at: at("09:30"), ends_at: at("09:50"), provider_ids: [] }],
        }),
      ),
    );
    app.renderAt(`/appointments/${far.id}`, app.patientRoutes);
    expect(await screen.findByTestId("cutoff-note")).toHaveTextContent(/until .* \(24 hours before it starts\)/);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Change time" }));
    const days = await screen.findByRole("radiogroup", { name: "Day" });
    await waitFor(() =>
      expect(within(days).getAllByRole("radio").filter((r) => !r.hasAttribute("disabled"))).toHaveLength(1),
    );
    await user.click(within(days).getAllByRole("radio").find((r) => !r.hasAttribute("disabled"))!);
    await user.click(await screen.findByRole("button", { name: "9:15 AM" }));
    await user.click(screen.getByRole("button", { name: "Confirm new time" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The appointment was not moved");
    expect(alert).toHaveTextContent(/Someone has just taken that time\..*is kept\./);
    // one tap on an alternative makes it the time to confirm
    await user.click(within(alert).getByRole("button", { name: /9:30 AM/ }));
    expect(screen.getByText(/to .*9:30 AM\?/)).toBeInTheDocument();
  });

  it("cancels with a reason through a confirm dialog, and shows a refusal in it", async () => {
    const soon = appointment({ starts_at: hoursFromNow(48) });
    let reason: unknown = null;
    server.use(
      ...signedInPatient(),
      http.get("*/v1/appointments/:id", () => HttpResponse.json(soon)),
      http.post("*/v1/appointments/:id/cancel", async ({ request }) => {
        reason = ((await request.json()) as { reason: string }).reason;
        return problem(403, "past-cutoff", { detail: "past the cutoff" });
      }),
    );
    app.renderAt(`/appointments/${soon.id}`, app.patientRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Cancel appointment" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByLabelText(/Reason/), "Feeling better");
    await user.click(within(dialog).getByRole("button", { name: "Cancel appointment" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(/too close to the appointment/);
    expect(within(dialog).getByLabelText(/Reason/)).toHaveValue("Feeling better");
    expect(reason).toBe("Feeling better");
  });

  it("past the cutoff says why it cannot be changed online and offers no buttons", async () => {
    const inSixHours = appointment({ starts_at: hoursFromNow(6) });
    server.use(
      ...signedInPatient(),
      http.get("*/v1/appointments/:id", () => HttpResponse.json(inSixHours)),
    );
    app.renderAt(`/appointments/${inSixHours.id}`, app.patientRoutes);
    expect(await screen.findByTestId("cutoff-note")).toHaveTextContent(/call the clinic on \+254711000000/);
    expect(screen.queryByRole("button", { name: "Cancel appointment" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Change time" })).toBeNull();
  });
});

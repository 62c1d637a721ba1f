import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { vi } from "vitest";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import { deskRoutes } from "../routes";
import { disableOffline, enableOffline } from "../../../offline";
import { AMINA, CLINIC as OFFLINE_CLINIC, TYPE as OFFLINE_TYPE, at as offlineAt, post, setOnline, snapshot } from "../../../offline/__tests__/fixtures";
import { setAutoSync } from "../../../offline/engine";
import { today } from "../zone";
import { appointment, at, clinic, DAY, deskSession, page, PROVIDER_ID, provider, receptionist, shift, ZONE } from "./fixtures";

// The screens are lazy: load them once up front so the first test does not wait on the import.
beforeAll(async () => {
  await Promise.all([import("../DeskDay"), import("../DeskPatients")]);
}, 30_000);
vi.setConfig({ testTimeout: 40_000 });
// A loaded machine (several suites at once) can take more than a second to render a screen.
configure({ asyncUtilTimeout: 10_000 });

function dayAnswers(visits: ReturnType<typeof appointment>[], asked: URL[] = []) {
  return [
    http.get("*/v1/shifts/roster", () =>
      HttpResponse.json({ clinic_id: "c", time_zone: "Africa/Nairobi", first_day: DAY, last_day: DAY, days: [{ date: DAY, shifts: [shift()] }] }),
    ),
    http.get("*/v1/clinics/:id/closures", () => page([])),
    http.get("*/v1/users", () => page([provider])),
    http.get("*/v1/appointments", ({ request }) => {
      asked.push(new URL(request.url));
      return page(visits);
    }),
    http.get("*/v1/appointments/:id", ({ params }) => HttpResponse.json(visits.find((v) => v.id === params.id)!)),
  ];
}

describe("the clinic day", () => {
  beforeEach(() => server.use(...deskSession()));

  it("shows a column per provider on shift with the day's visits, their status in words, asking for the clinic's local day", async () => {
    const asked: URL[] = [];
    const visit = appointment({ starts_at: at("09:00"), ends_at: at("09:20") });
    server.use(...dayAnswers([visit, appointment({ starts_at: at("10:00"), ends_at: at("10:20"), status: "checked-in" })], asked));
    renderAt(`/desk?date=${DAY}`, deskRoutes);
    expect(await screen.findByRole("heading", { level: 1, name: "Clinic day" })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { level: 2, name: "Dr Peter Otieno" })).toBeInTheDocument();
    const booked = await screen.findByRole("button", { name: /Booked.*Amina Wanjiku/ });
    expect(booked).toHaveAttribute("data-status", "booked");
    expect(within(booked).getByText(/Booked/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Checked in/ })).toBeInTheDocument();
    expect(screen.getByText(/Shift 8:00/)).toBeInTheDocument();
    const query = asked[0]!.searchParams;
    expect(query.get("clinic_id")).toBe("11111111-1111-4111-8111-111111111111");
    expect(new Date(query.get("from")!).toISOString()).toBe(new Date(`${DAY}T00:00:00+03:00`).toISOString());
    expect(query.getAll("status")).toEqual(["booked", "arrived", "checked-in", "fulfilled", "noshow"]);
  });

  it("checks a patient in from the drawer, then offers only completion", async () => {
    const visit = appointment({ starts_at: at("09:00"), ends_at: at("09:20") });
    let checkedIn = false;
    server.use(
      http.get("*/v1/appointments/:id", () => HttpResponse.json({ ...visit, status: checkedIn ? "checked-in" : "booked" })),
      http.post("*/v1/appointments/:id/check-in", ({ request }) => {
        expect(request.headers.get("Idempotency-Key")).toBeTruthy();
        checkedIn = true;
        return HttpResponse.json({ ...visit, status: "checked-in" });
      }),
      ...dayAnswers([visit]),
    );
    renderAt(`/desk?date=${DAY}`, deskRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /Amina Wanjiku/ }));
    const drawer = await screen.findByRole("dialog", { name: "Appointment" });
    expect(await within(drawer).findByText("Amina Wanjiku")).toBeInTheDocument();
    expect(within(drawer).getByText("General consultation")).toBeInTheDocument();
    await user.click(within(drawer).getByRole("button", { name: "Check in" }));
    expect(await within(drawer).findByRole("status")).toHaveTextContent("the visit is now Checked in");
    await waitFor(() => expect(within(drawer).getByRole("button", { name: "Complete" })).toBeInTheDocument());
    expect(within(drawer).queryByRole("button", { name: "Check in" })).not.toBeInTheDocument();
    expect(within(drawer).queryByRole("button", { name: "Cancel visit" })).not.toBeInTheDocument();
  });

  it("explains a refused move next to the buttons", async () => {
    const visit = appointment({ status: "checked-in" });
    server.use(
      ...dayAnswers([visit]),
      http.post("*/v1/appointments/:id/complete", () =>
        problem(409, "invalid-transition", { detail: "The visit is fulfilled already.", status_now: "fulfilled" }),
      ),
    );
    renderAt(`/desk?date=${DAY}`, deskRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /Amina Wanjiku/ }));
    const drawer = await screen.findByRole("dialog", { name: "Appointment" });
    await user.click(await within(drawer).findByRole("button", { name: "Complete" }));
    expect(await within(drawer).findByRole("alert")).toHaveTextContent("The visit is fulfilled already.");
  });

  it("shows a clash on rescheduling with the alternatives, and takes one", async () => {
    const visit = appointment({ starts_at: at("09:00"), ends_at: at("09:20"), status: "booked" });
    const bodies: unknown[] = [];
    server.use(
      ...dayAnswers([visit]),
      http.get("*/v1/slots", () => page([{ starts_at: at("16:00"), ends_at: at("16:20"), providers: [{ id: PROVIDER_ID, name: "Dr Peter Otieno" }] }])),
      http.post("*/v1/appointments/:id/reschedule", async ({ request }) => {
        const body = (await request.json()) as { starts_at: string };
        bodies.push(body);
        if (body.starts_at === at("16:00")) {
          return problem(409, "slot-taken", {
            detail: "The provider is already booked then.",
            clash: { with: "provider", starts_at: at("16:00"), ends_at: at("16:20") },
            alternatives: [{ starts_at: at("16:30"), ends_at: at("16:50"), provider_ids: [PROVIDER_ID] }],
          });
        }
        return HttpResponse.json({ ...visit, starts_at: body.starts_at });
      }),
    );
    renderAt(`/desk?date=${DAY}`, deskRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /Amina Wanjiku/ }));
    const drawer = await screen.findByRole("dialog", { name: "Appointment" });
    await user.click(await within(drawer).findByRole("button", { name: "Reschedule" }));
    await user.clear(within(drawer).getByLabelText("New day"));
    await user.type(within(drawer).getByLabelText("New day"), DAY);
    await user.click(await within(drawer).findByRole("radio", { name: /4:00/ }));
    await user.click(within(drawer).getByRole("button", { name: "Move the visit" }));
    const alert = await within(drawer).findByRole("alert");
    expect(alert).toHaveTextContent("That time is taken");
    expect(alert).toHaveTextContent(/provider is busy 4:00.*4:20/);
    await user.click(within(alert).getByRole("button", { name: /Take 4:30/ }));
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toMatchObject({ starts_at: at("16:30"), provider_id: PROVIDER_ID });
    expect(await within(drawer).findByRole("status")).toHaveTextContent("Booked");
  });

  it("marks leave and closures in words", async () => {
    server.use(
      http.get("*/v1/shifts/roster", () =>
        HttpResponse.json({ clinic_id: "c", time_zone: "Africa/Nairobi", first_day: DAY, last_day: DAY, days: [{ date: DAY, shifts: [shift({ on_leave: true })] }] }),
      ),
      http.get("*/v1/clinics/:id/closures", () =>
        page([{ id: "x", clinic_id: "c", first_day: DAY, last_day: DAY, name: "Jamhuri Day", kind: "public_holiday", created_by: null, created_at: "2026-01-01T00:00:00Z" }]),
      ),
      ...dayAnswers([]),
    );
    renderAt(`/desk?date=${DAY}`, deskRoutes);
    expect(await screen.findByText("Closed: Jamhuri Day")).toBeInTheDocument();
    expect((await screen.findAllByText("On leave")).length).toBeGreaterThan(0);
  });
});

describe("the day view keeps itself current", () => {
  beforeEach(() => server.use(...deskSession()));

  it("shows a visit someone else booked without a reload", async () => {
    const visits = [appointment({ starts_at: at("09:00"), ends_at: at("09:20") })];
    server.use(...dayAnswers(visits));
    renderAt(`/desk?date=${DAY}`, deskRoutes);
    await screen.findByRole("button", { name: /9:00.*Amina Wanjiku/ });
    visits.push(appointment({ starts_at: at("11:00"), ends_at: at("11:20"), booked_by: "patient" }));
    expect(await screen.findByRole("button", { name: /11:00.*Amina Wanjiku/ }, { timeout: 12_000 })).toBeInTheDocument();
  }, 40_000);
});

describe("visits waiting to sync", () => {
  afterEach(async () => {
    setOnline(true);
    setAutoSync(true);
    await disableOffline();
  });

  it("marks a visit booked with no network in the day view and in its drawer", async () => {
    setAutoSync(false);
    const [refresh] = deskSession();
    server.use(
      refresh!,
      http.get("*/v1/me", () => HttpResponse.json({ ...receptionist, memberships: [{ ...receptionist.memberships[0]!, clinic_id: OFFLINE_CLINIC }] })),
      http.get("*/v1/clinics", () => page([{ ...clinic, id: OFFLINE_CLINIC }])),
      http.get("*/v1/notifications", () => page([])),
      http.get("*/v1/sync/clinics/:id", () => HttpResponse.json(snapshot())),
    );
    await enableOffline(OFFLINE_CLINIC);
    setOnline(false);
    const booked = await post("/v1/appointments", { clinic_id: OFFLINE_CLINIC, type_id: OFFLINE_TYPE, patient_id: AMINA, starts_at: offlineAt(20), walk_in: false });
    expect(booked.status).toBe(201); // queued

    renderAt(`/desk?date=${today(ZONE, new Date(offlineAt(0)))}`, deskRoutes);
    const user = userEvent.setup();
    const waiting = await screen.findByRole("button", { name: /Waiting to sync.*Amina Odhiambo/ });
    expect(waiting).toHaveAttribute("data-pending", "true");
    expect(screen.getAllByRole("button", { name: /Amina Odhiambo/ })).toHaveLength(2); // the one synced before is not marked
    await user.click(waiting);
    const drawer = await screen.findByRole("dialog", { name: "Appointment" });
    expect(await within(drawer).findByText("Waiting to sync")).toBeInTheDocument();
  });
});

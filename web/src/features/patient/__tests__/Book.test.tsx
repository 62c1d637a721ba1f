import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";

import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { accessToken, PATIENT_ROLES } from "../../../../test/token";
import { forgetProviders } from "../../../components/booking/providerNames";
import { loadApp } from "./app";
import { appointment, at, CLINIC_ID, DAY, PROVIDER_ID, signedInPatient, TYPE_ID } from "./fixtures";

const HOLD_ID = "55555555-5555-4555-8555-555555555555";

function hold(startsAt: string, expiresInMs = 5 * 60_000) {
  return appointment({
    id: HOLD_ID,
    status: "pending",
    starts_at: startsAt,
    hold_expires_at: new Date(Date.now() + expiresInMs).toISOString(),
    booked_at: null,
  });
}

const chosen = `/book?clinic=${CLINIC_ID}&type=${TYPE_ID}&provider=any&day=${DAY}`;

function routes() {
  return (
    <>
      {app.patientRoutes}
      <Route path="/sign-in" element={<p>sign-in page</p>} />
    </>
  );
}

// A loaded machine runs several test files at once: give answers time to arrive.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

let app: Awaited<ReturnType<typeof loadApp>>;
beforeAll(async () => {
  app = await loadApp();
}, 60_000);
beforeEach(() => forgetProviders());
const renderAt = (...args: Parameters<typeof app.renderAt>) => app.renderAt(...args);

describe("booking", () => {
  it("walks clinic, type, provider, day and time with the keyboard-operable radios, then books the hold", async () => {
    let holdBody: unknown = null;
    let bookBody: unknown = null;
    const held = hold(at("09:15"));
    server.use(
      ...signedInPatient(),
      http.post("*/v1/slot-holds", async ({ request }) => {
        holdBody = await request.json();
        return HttpResponse.json(held, { status: 201 });
      }),
      http.get("*/v1/slot-holds/:id", () => HttpResponse.json(held)),
      http.post("*/v1/appointments", async ({ request }) => {
        bookBody = await request.json();
        return HttpResponse.json({ ...held, status: "booked", hold_expires_at: null }, { status: 201 });
      }),
      http.get("*/v1/appointments/:id", () => HttpResponse.json({ ...held, status: "booked", hold_expires_at: null })),
    );
    // Which reads go out, to tell that the hold and the booking refresh only what they change.
    const reads: string[] = [];
    const record = ({ request }: { request: Request }) => {
      if (request.method === "GET") {
        reads.push(new URL(request.url).pathname);
      }
    };
    server.events.on("request:start", record);
    onTestFinished(() => server.events.removeListener("request:start", record));
    const others = () => ({
      clinics: reads.filter((path) => path === "/v1/clinics").length,
      types: reads.filter((path) => path === "/v1/appointment-types").length,
    });
    renderAt("/book", routes());
    const user = userEvent.setup();

    await user.click(await screen.findByRole("radio", { name: /Kibera Health Centre/ }));
    await user.click(await screen.findByRole("radio", { name: /General consultation/ }));
    await user.click(await screen.findByRole("radio", { name: /Dr Peter Otieno/ }));
    // Only the day with free times can be chosen.
    const days = await screen.findByRole("radiogroup", { name: "Day" });
    const open = await waitFor(() => {
      const enabled = within(days).getAllByRole("radio").filter((radio) => !radio.hasAttribute("disabled"));
      expect(enabled).toHaveLength(1);
      return enabled[0]!;
    });
    await user.click(open);
    const time = await screen.findByRole("button", { name: "9:15 AM" });
    expect(others()).toEqual({ clinics: 1, types: 1 });
    await user.click(time);

    expect(await screen.findByRole("heading", { name: "Confirm your appointment" })).toBeInTheDocument();
    expect(holdBody).toMatchObject({ clinic_id: CLINIC_ID, type_id: TYPE_ID, starts_at: at("09:15"), provider_id: PROVIDER_ID });
    expect(screen.getByTestId("hold-countdown").textContent).toMatch(/^0[45]:\d\d$/);
    expect(screen.getByText("Dr Peter Otieno")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(/minutes left to confirm/);

    await user.click(screen.getByRole("button", { name: "Confirm booking" }));
    expect(await screen.findByText(/Your appointment is booked/)).toBeInTheDocument();
    expect(bookBody).toMatchObject({ hold_id: HOLD_ID });
    // Neither the hold nor the booking changed the clinics or the types: they were not read again.
    expect(others()).toEqual({ clinics: 1, types: 1 });
  });

  it("shows a taken time next to the times, with the nearest free ones one tap away", async () => {
    const alternative = at("09:30");
    let holds = 0;
    server.use(
      ...signedInPatient(),
      http.post("*/v1/slot-holds", async ({ request }) => {
        holds += 1;
        const body = (await request.json()) as { starts_at: string; provider_id: string | null };
        if (body.starts_at === at("09:00")) {
          return problem(409, "slot-taken", {
            detail: "The provider is already booked then.",
            clash: { with: "provider" },
            alternatives: [{ starts_at: alternative, ends_at: at("09:50"), provider_ids: [PROVIDER_ID] }],
          });
        }
        expect(body.provider_id).toBeNull(); // "any provider" stays any
        return HttpResponse.json(hold(body.starts_at), { status: 201 });
      }),
      http.get("*/v1/slot-holds/:id", () => HttpResponse.json(hold(alternative))),
    );
    renderAt(chosen, routes());
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "9:00 AM" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Someone has just taken that time.");
    const alternatives = screen.getByTestId("alternatives");
    await user.click(within(alternatives).getByRole("button", { name: /9:30 AM/ }));
    expect(await screen.findByRole("heading", { name: "Confirm your appointment" })).toBeInTheDocument();
    expect(holds).toBe(2);
  });

  it("says so when the hold runs out and returns to the times", async () => {
    server.use(
      ...signedInPatient(),
      http.post("*/v1/slot-holds", () => HttpResponse.json(hold(at("10:00"), 1500), { status: 201 })),
      http.get("*/v1/slot-holds/:id", () => HttpResponse.json(hold(at("10:00"), 1500))),
    );
    renderAt(chosen, routes());
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "10:00 AM" }));
    expect(await screen.findByRole("heading", { name: "Confirm your appointment" })).toBeInTheDocument();
    expect(await screen.findByText("Time ran out", {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "10:00 AM" })).toBeInTheDocument();
  });

  it("keeps the confirm step and shows why when booking the hold fails otherwise", async () => {
    server.use(
      ...signedInPatient(),
      http.post("*/v1/slot-holds", () => HttpResponse.json(hold(at("10:00")), { status: 201 })),
      http.get("*/v1/slot-holds/:id", () => HttpResponse.json(hold(at("10:00")))),
      http.post("*/v1/appointments", () => problem(503, "busy", { detail: "busy" })),
    );
    renderAt(chosen, routes());
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "10:00 AM" }));
    await user.click(await screen.findByRole("button", { name: "Confirm booking" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/busy/i);
    expect(screen.getByRole("heading", { name: "Confirm your appointment" })).toBeInTheDocument();
  });

  it("after a reload, shows the clinics without waiting for /v1/me: the token's roles let the patient in", async () => {
    server.use(...signedInPatient());
    let answerMe!: () => void;
    const meGate = new Promise<void>((resolve) => (answerMe = resolve));
    onTestFinished(() => answerMe());
    const answered: string[] = [];
    server.use(
      http.post("*/v1/auth/session/refresh", () =>
        HttpResponse.json({ access_token: accessToken("u1", PATIENT_ROLES), token_type: "bearer", expires_in: 900 }),
      ),
      http.get("*/v1/me", async () => {
        await meGate;
        answered.push("/v1/me");
        return HttpResponse.json({ id: "u1", kind: "patient", full_name: "Amina Wanjiru", memberships: [] });
      }),
    );
    const record = ({ request }: { request: Request }) => answered.push(new URL(request.url).pathname);
    server.events.on("response:mocked", record);
    onTestFinished(() => server.events.removeListener("response:mocked", record));
    renderAt("/book", routes());

    // /v1/clinics went out and came back, and the first choice can be made, while /v1/me has not.
    expect(await screen.findByRole("radio", { name: /Kibera Health Centre/ })).toBeEnabled();
    expect(answered).toContain("/v1/clinics");
    expect(answered).not.toContain("/v1/me");
    answerMe();
    await waitFor(() => expect(answered).toContain("/v1/me"));
    expect(screen.getByRole("radio", { name: /Kibera Health Centre/ })).toBeEnabled();
  });

  it("sends signed-out people to sign in", async () => {
    renderAt(chosen, routes());
    expect(await screen.findByText("sign-in page")).toBeInTheDocument();
  });
});

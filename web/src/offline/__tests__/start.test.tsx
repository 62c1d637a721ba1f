/**
 * The desk after the app starts with no network (a reload, a restart): the clinic and its day
 * from the device, every provider on shift, each change's outcome (a blocked one naming the
 * change it waited for), and an online flag that follows the network, not the end of a sync.
 */
import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";
import { vi } from "vitest";

import { api } from "../../api/client";
import { principalOf } from "../../auth/principal";
import { SyncOutcomes } from "../../features/desk/SyncOutcomes";
import { deskRoutes } from "../../features/desk/routes";
import { today } from "../../features/desk/zone";
import { renderAt } from "../../../test/render";
import { problem, server } from "../../../test/server";
import { accessToken } from "../../../test/token";
import { db, reopenDb } from "../db";
import { setAutoSync } from "../engine";
import { disableOffline, enableOffline, rememberSession, syncNow } from "../index";
import { forgetLoaded, getMutations, getState } from "../state";
import type { PushRequest } from "../syncApi";
import { zoned } from "../time";
import { CLINIC, DESK, DESK_ROLES, DR_A, DR_B, TYPE, ZONE, at, get, post, setOnline, signedIn, snapshot } from "./fixtures";

vi.setConfig({ testTimeout: 40_000 });

const SEEN = "b0000000-0000-4000-8000-000000000001";
const LUNCH = { starts_at: at(240), ends_at: at(300) };
/** Both providers work tomorrow; the second with a lunch break, as weekly hours give one. */
const TWO_ON_SHIFT = snapshot({
  shifts: [
    { id: "5a000000-0000-4000-8000-000000000001", staff_id: DR_A, starts_at: at(0), ends_at: at(240), breaks: [] },
    { id: "5a000000-0000-4000-8000-000000000002", staff_id: DR_B, starts_at: at(-60), ends_at: at(480), breaks: [LUNCH] },
  ],
});

/** Offline mode on, a desk session remembered, then the app starts again with no network. */
async function startedOffline(pull = snapshot()) {
  setAutoSync(false);
  server.use(http.get("*/v1/sync/clinics/:clinicId", () => HttpResponse.json(pull)));
  await enableOffline(CLINIC);
  await rememberSession(principalOf(accessToken(DESK, DESK_ROLES))!, 72);
  reopenDb();
  forgetLoaded();
}

const clinics = async () => (await api.GET("/v1/clinics", { params: { query: { limit: 200 } } })).data?.items.map((c) => c.name);

afterEach(async () => {
  setOnline(true);
  window.dispatchEvent(new Event("online"));
  setAutoSync(true);
  await disableOffline();
});

describe("the desk started with no network", () => {
  it("lists the clinic from the device, also when the server cannot serve a device signed in offline", async () => {
    await startedOffline();
    setOnline(false);
    expect(await clinics()).toEqual(["Kibera"]);

    // The network is there but the device has no access token (its offline session): the
    // server's 401 is no answer about the clinic, nor is the gateway's 503.
    setOnline(true);
    server.use(http.all("*/v1/*", () => problem(401, "unauthenticated")));
    expect(await clinics()).toEqual(["Kibera"]);
    expect((await (await get(`/v1/clinics/${CLINIC}/closures`)).json()) as unknown).toEqual({ items: [], next_cursor: null });
    expect((await get(`/v1/users/${DR_A}`)).status).toBe(200);
    server.use(http.all("*/v1/*", () => problem(503, "service-unavailable")));
    expect(await clinics()).toEqual(["Kibera"]);

    // A change refused unread for want of a token waits in the queue, as with no network.
    server.use(http.all("*/v1/*", () => problem(401, "unauthenticated")));
    expect((await post(`/v1/appointments/${SEEN}/check-in`, {})).status).toBe(200);
    expect((await db().queue.toArray()).map((m) => m.kind)).toEqual(["check_in"]);
  });

  it("shows the day with every provider on shift", async () => {
    await startedOffline(TWO_ON_SHIFT);
    const date = today(ZONE, new Date(at(0)));
    // The local roster in the server's shape (GET /v1/shifts/roster).
    const roster = (await (await get(`/v1/shifts/roster?clinic_id=${CLINIC}&date=${date}`)).json()) as {
      days: { date: string; shifts: { staff_id: string; staff_name: string; role: string; local_date: string; breaks: unknown[] }[] }[];
    };
    expect(roster.days).toHaveLength(1);
    expect(roster.days[0]!.shifts.map((s) => [s.staff_name, s.role, s.local_date])).toEqual([
      ["Dr Baraka", "provider", date],
      ["Dr Achieng", "provider", date],
    ]);
    expect(roster.days[0]!.shifts[0]!.breaks).toEqual([{ starts_at: zoned(LUNCH.starts_at, ZONE), ends_at: zoned(LUNCH.ends_at, ZONE) }]);

    // Reachable but unanswered for want of a token (the refresh found the server busy).
    server.use(
      http.post("*/v1/auth/session/refresh", () => problem(503, "service-unavailable")),
      http.all("*/v1/*", () => problem(401, "unauthenticated")),
    );
    renderAt(`/desk?date=${date}`, deskRoutes);
    expect(await screen.findByRole("heading", { level: 2, name: "Dr Achieng" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Dr Baraka" })).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: /Amina Odhiambo/ })).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});

describe("sync outcomes", () => {
  it("names the change a blocked one waited for", async () => {
    setAutoSync(false);
    server.use(http.get("*/v1/sync/clinics/:clinicId", () => HttpResponse.json(snapshot())));
    await enableOffline(CLINIC);
    setOnline(false);
    const patient = (await (await post("/v1/auth/register", { full_name: "Baraka Otieno", phone: "+254700000009", password: "x" })).json()) as { id: string };
    await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: patient.id, starts_at: at(40), walk_in: false });
    setOnline(true);
    server.use(
      signedIn(),
      http.post("*/v1/sync/push", async ({ request }) => {
        const [register, book] = ((await request.json()) as PushRequest).mutations;
        return HttpResponse.json({
          outcomes: [
            { id: register!.id, seq: register!.seq, status: "rejected", problem: { type: "urn:clinic:problem:validation", title: "validation", status: 422 } },
            { id: book!.id, seq: book!.seq, status: "blocked", blocked_by: register!.id },
          ],
        });
      }),
    );
    await syncNow();
    const [book, register] = getMutations();
    expect(book).toMatchObject({ kind: "book", status: "blocked", blockedBy: register!.id });

    server.resetHandlers(); // signed out again: the screen needs no session
    renderAt("/", <Route path="/" element={<SyncOutcomes mutations={getMutations()} zone={ZONE} inboxId="inbox" />} />);
    expect(
      await screen.findByText("Not sent: it needs an earlier change that did not go through (Register Baraka Otieno)."),
    ).toBeInTheDocument();
  });
});

describe("the online flag", () => {
  it("follows the browser and the last request, not a sync that ends after the network dropped", async () => {
    setAutoSync(false);
    server.use(http.get("*/v1/sync/clinics/:clinicId", () => HttpResponse.json(snapshot())));
    await enableOffline(CLINIC);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const pulling = new Promise<void>((resolve) => (asked = resolve));
    server.use(
      signedIn(),
      http.get("*/v1/sync/clinics/:clinicId", async () => {
        asked();
        await held;
        return HttpResponse.json(snapshot({ kind: "changes" }));
      }),
    );
    const sync = syncNow();
    await pulling;
    setOnline(false);
    window.dispatchEvent(new Event("offline"));
    expect(getState().online).toBe(false);
    release(); // the pull's answer was already on its way
    await sync;
    expect(getState()).toMatchObject({ online: false, syncing: false, lastError: null });

    setOnline(true);
    window.dispatchEvent(new Event("online"));
    expect(getState().online).toBe(true);
    server.use(http.get("*/v1/clinics", () => HttpResponse.error()));
    await get("/v1/clinics?limit=200"); // answered from the device
    expect(getState().online).toBe(false);
    server.use(http.get("*/v1/clinics", () => HttpResponse.json({ items: [], next_cursor: null })));
    await get("/v1/clinics?limit=200");
    expect(getState().online).toBe(true);
  });
});

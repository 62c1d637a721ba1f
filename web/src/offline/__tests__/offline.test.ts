import { act, renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { api } from "../../api/client";
import { server } from "../../../test/server";
import { db, deviceId, readMeta, reopenDb, writeMeta } from "../db";
import { setAutoSync } from "../engine";
import {
  disableOffline,
  enableOffline,
  hasUnsynced,
  offlineSession,
  useMutations,
  useOfflineState,
  usePendingAppointmentIds,
  rememberSession,
  syncNow,
} from "../index";
import { forgetLoaded, getMutations, getPendingIds, getState } from "../state";
import type { PullResponse, PushRequest } from "../syncApi";
import { zoned } from "../time";
import { AMINA, CLINIC, DR_A, DR_B, TYPE, at, get, post, setOnline, signedIn, snapshot } from "./fixtures";

const SEEN = "b0000000-0000-4000-8000-000000000001";

/** The pull answers the snapshot, then (with its cursor) `changes`; the cursors asked with. */
function pulls(first: PullResponse, changes?: PullResponse) {
  const cursors: (string | null)[] = [];
  server.use(
    http.get("*/v1/sync/clinics/:clinicId", ({ request }) => {
      const cursor = new URL(request.url).searchParams.get("cursor");
      cursors.push(cursor);
      return HttpResponse.json(cursor && changes ? changes : first);
    }),
  );
  return cursors;
}

async function day() {
  const response = await get(`/v1/appointments?clinic_id=${CLINIC}&from=${at(-60)}&to=${at(600)}&status=booked&status=cancelled`);
  return ((await response.json()) as { items: { id: string; status: string; patient_id: string }[]; next_cursor: null }).items;
}

async function freeStarts(provider?: string) {
  const query = `clinic_id=${CLINIC}&type_id=${TYPE}&from=${at(-60)}&to=${at(600)}${provider ? `&provider_id=${provider}` : ""}`;
  const body = (await (await get(`/v1/slots?${query}`)).json()) as { items: { starts_at: string; providers: { id: string; name: string }[] }[] };
  return body.items.map((slot) => [Date.parse(slot.starts_at), slot.providers.map((p) => p.name)]);
}

beforeEach(() => {
  setAutoSync(false);
  setOnline(true);
});

afterEach(async () => {
  setOnline(true);
  await disableOffline();
});

describe("offline store", () => {
  it("takes a snapshot, then changes with tombstones, and answers the desk's reads from it", async () => {
    // Slim, as the pull sends it: UTC, and what is left out is null, false or "online".
    const later = {
      id: "b0000000-0000-4000-8000-000000000002",
      type_id: TYPE,
      provider_id: DR_A,
      patient_id: AMINA,
      status: "booked" as const,
      starts_at: at(60),
      ends_at: at(80),
      walk_in: true,
      origin: "offline" as const,
      recorded_at: at(-600),
    };
    const held = { id: "a1000000-0000-4000-8000-000000000001", provider_id: DR_A, starts_at: at(120), ends_at: at(180), releases_at: at(0) };
    const cursors = pulls(
      snapshot({ allotments: [held] }),
      snapshot({
        kind: "changes",
        cursor: "cursor-2",
        appointments: [later],
        allotments: [],
        patients: [],
        providers: [],
        types: [],
        shifts: [],
        tombstones: [{ entity: "appointment", id: SEEN }],
        availability: [{ type_id: TYPE, provider_id: DR_B, starts: [at(40)] }],
        open_conflicts: 2,
      }),
    );
    await enableOffline(CLINIC);
    expect(getState()).toMatchObject({ enabled: true, clinicId: CLINIC, pending: 0 });
    expect((await day()).map((a) => a.id)).toEqual([SEEN]);
    expect(await db().allotments.count()).toBe(1);
    expect(await freeStarts()).toEqual([
      [Date.parse(at(20)), ["Dr Achieng", "Dr Baraka"]],
      [Date.parse(at(40)), ["Dr Achieng", "Dr Baraka"]],
      [Date.parse(at(60)), ["Dr Achieng"]],
    ]);

    server.use(signedIn());
    await syncNow();
    expect(cursors).toEqual([null, "cursor-1"]);
    expect((await day()).map((a) => a.id)).toEqual([later.id]);
    // The allotment deleted on the server is gone: allotments are replaced, not upserted.
    expect(await db().allotments.count()).toBe(0);
    const read = (await (await get(`/v1/appointments/${later.id}`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({
      clinic_id: CLINIC,
      time_zone: "Africa/Nairobi",
      starts_at: zoned(at(60), "Africa/Nairobi"),
      room_id: null,
      note: null,
      walk_in: true,
      overbooked: false,
      needs_reschedule: false,
      origin: "offline",
      recorded_at: at(-600),
    });
    expect(await freeStarts()).toEqual([[Date.parse(at(40)), ["Dr Baraka"]]]);
    expect(getState()).toMatchObject({ openConflicts: 2, lastError: null });
    // The types and the roster came with the snapshot and stay.
    const types = (await (await get(`/v1/appointment-types?clinic_id=${CLINIC}`)).json()) as { items: unknown[] };
    expect(types.items).toHaveLength(1);
    const roster = (await (await get(`/v1/shifts/roster?clinic_id=${CLINIC}&date=${at(0).slice(0, 10)}&view=week`)).json()) as {
      days: { shifts: { staff_name: string }[] }[];
    };
    expect(roster.days).toHaveLength(7);
    expect(roster.days.flatMap((d) => d.shifts).map((s) => s.staff_name)).toEqual(["Dr Achieng"]);

    // With no network, the clinic list is the clinic kept here.
    setOnline(false);
    const clinics = (await (await get("/v1/clinics?limit=200")).json()) as { items: { id: string; time_zone: string }[] };
    expect(clinics.items).toMatchObject([{ id: CLINIC, time_zone: "Africa/Nairobi" }]);
  });

  it("queues a booking made with no network, shows it pending and takes its time out of the slots", async () => {
    pulls(snapshot());
    await enableOffline(CLINIC);
    setOnline(false);

    const { data, response } = await api.POST("/v1/appointments", {
      body: { clinic_id: CLINIC, type_id: TYPE, patient_id: AMINA, starts_at: at(20), walk_in: false },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ provider_id: DR_A, status: "booked", patient_id: AMINA, time_zone: "Africa/Nairobi" });
    expect(Date.parse(data!.starts_at)).toBe(Date.parse(at(20)));
    expect(data!.starts_at).toMatch(/\+03:00$/);

    expect((await day()).map((a) => a.id)).toEqual([SEEN, data!.id]);
    expect(getPendingIds().has(data!.id)).toBe(true);
    expect(getState().pending).toBe(1);
    expect(await freeStarts(DR_A)).toEqual([
      [Date.parse(at(40)), ["Dr Achieng"]],
      [Date.parse(at(60)), ["Dr Achieng"]],
    ]);
    expect(getMutations()).toMatchObject([{ kind: "book", status: "pending", summary: { patientName: "Amina Odhiambo" } }]);

    // The same time again, with Dr Achieng: taken, with the nearest free times instead.
    const again = await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: AMINA, provider_id: DR_A, starts_at: at(20), walk_in: false });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ type: "urn:clinic:problem:slot-taken", alternatives: [{ provider_ids: [DR_A] }, { provider_ids: [DR_A] }] });
  });

  it("puts a walk-in in the front desk's reserved time first, with whichever provider it is", async () => {
    pulls(snapshot({ reserved: [{ type_id: TYPE, provider_id: DR_B, starts: [at(60)] }] }));
    await enableOffline(CLINIC);
    setOnline(false);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse(at(10)) });
    try {
      const walkIn = (await (await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: AMINA, walk_in: true })).json()) as { provider_id: string; starts_at: string; walk_in: boolean };
      expect(walkIn).toMatchObject({ provider_id: DR_B, walk_in: true });
      expect(Date.parse(walkIn.starts_at)).toBe(Date.parse(at(60)));
      // No reserved time left: the earliest free start, with the first provider free then.
      const next = (await (await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: AMINA, walk_in: true })).json()) as { provider_id: string; starts_at: string };
      expect(next.provider_id).toBe(DR_A);
      expect(Date.parse(next.starts_at)).toBe(Date.parse(at(20)));
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the queue through a reload, and pushes it in order with its dependencies", async () => {
    pulls(snapshot());
    await enableOffline(CLINIC);
    setOnline(false);
    const registered = (await (await post("/v1/auth/register", { full_name: "Baraka Otieno", phone: "+254700000001", preferred_language: "sw", password: "x" })).json()) as { id: string };
    const booked = (await (await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: registered.id, starts_at: at(40), walk_in: false })).json()) as { id: string };
    expect((await post(`/v1/appointments/${booked.id}/cancel`, { reason: "changed plans" })).status).toBe(200);
    expect((await post(`/v1/appointments/${SEEN}/check-in`, {})).status).toBe(200);

    reopenDb();
    forgetLoaded();
    expect(await hasUnsynced()).toBe(true);
    const queue = await db().queue.orderBy("seq").toArray();
    expect(queue.map((m) => m.kind)).toEqual(["register_patient", "book", "cancel", "check_in"]);
    expect(queue[0]!.args).toMatchObject({ patient_id: registered.id, full_name: "Baraka Otieno", phone: "+254700000001", preferred_language: "sw" });
    expect(queue[0]!.args).not.toHaveProperty("password");

    const pushed: PushRequest[] = [];
    server.use(
      signedIn(),
      http.post("*/v1/sync/push", async ({ request }) => {
        const body = (await request.json()) as PushRequest;
        pushed.push(body);
        const [register, book, cancel, checkIn] = body.mutations;
        return HttpResponse.json({
          outcomes: [
            { id: register!.id, seq: register!.seq, status: "applied", result: { patient_id: registered.id } },
            { id: book!.id, seq: book!.seq, status: "conflict", conflict_id: "cf000000-0000-4000-8000-000000000001", problem: { type: "urn:clinic:problem:slot-taken", status: 409 }, alternatives: [{ starts_at: at(60), provider_ids: [DR_A] }] },
            { id: cancel!.id, seq: cancel!.seq, status: "blocked", blocked_by: book!.id },
            { id: checkIn!.id, seq: checkIn!.seq, status: "rejected", problem: { type: "urn:clinic:problem:invalid-transition", status: 409 } },
          ],
        });
      }),
    );
    setOnline(true);
    const cursors = pulls(snapshot());
    await syncNow();

    expect(pushed).toHaveLength(1);
    const sent = pushed[0]!;
    expect(sent).toMatchObject({ clinic_id: CLINIC, device_id: await deviceId() });
    const seqs = sent.mutations.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(4);
    expect(sent.mutations[0]!.depends_on).toBeUndefined();
    expect(sent.mutations[1]).toMatchObject({ kind: "book", depends_on: [sent.mutations[0]!.id], args: { patient_id: registered.id, provider_id: DR_A, starts_at: at(40), walk_in: false } });
    expect(sent.mutations[2]).toMatchObject({ kind: "cancel", depends_on: [sent.mutations[1]!.id], args: { appointment_id: booked.id, reason: "changed plans" } });
    expect(sent.mutations[3]).toMatchObject({ kind: "check_in", args: { appointment_id: SEEN } });

    expect(await hasUnsynced()).toBe(false);
    expect(getMutations().map((m) => [m.kind, m.status])).toEqual([
      ["check_in", "rejected"],
      ["cancel", "blocked"],
      ["book", "conflict"],
      ["register_patient", "applied"],
    ]);
    expect(getMutations()[2]).toMatchObject({ conflictId: "cf000000-0000-4000-8000-000000000001", alternatives: [{ provider_ids: [DR_A] }] });
    // Some did not apply: the device's copy is taken afresh from a snapshot, where they are gone.
    expect(cursors).toEqual([null]);
    expect((await day()).map((a) => [a.id, a.status])).toEqual([[SEEN, "booked"]]);
  });

  it("books for the existing patient a phone was matched to", async () => {
    pulls(snapshot());
    await enableOffline(CLINIC);
    setOnline(false);
    const registered = (await (await post("/v1/auth/register", { full_name: "Amina O.", phone: "+254799999999", preferred_language: "en" })).json()) as { id: string };
    await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: registered.id, starts_at: at(20), walk_in: false });

    const pushed: PushRequest[] = [];
    server.use(
      signedIn(),
      http.post("*/v1/sync/push", async ({ request }) => {
        const body = (await request.json()) as PushRequest;
        pushed.push(body);
        // The first answer covers the registration only: the booking goes again, in a new batch.
        const first = body.mutations[0]!;
        const result = first.kind === "register_patient" ? { patient_id: AMINA } : { id: first.args.appointment_id };
        return HttpResponse.json({ outcomes: [{ id: first.id, seq: first.seq, status: "applied", result }] });
      }),
    );
    setOnline(true);
    await syncNow();
    expect(pushed.map((p) => p.mutations.map((m) => m.kind))).toEqual([["register_patient", "book"], ["book"]]);
    expect(pushed[1]!.mutations[0]!.args.patient_id).toBe(AMINA);
    expect(getMutations().map((m) => m.status)).toEqual(["applied", "applied"]);
  });

  it("keeps the queue when the session was revoked, until the clinic's staff sign in again", async () => {
    pulls(snapshot());
    await enableOffline(CLINIC);
    setOnline(false);
    await post(`/v1/appointments/${SEEN}/no-show`, {});
    setOnline(true);

    await syncNow(); // the default refresh answer: 401
    expect(getState()).toMatchObject({ waitingForSignIn: true, pending: 1 });

    server.use(signedIn([{ role: "receptionist", clinic_id: "c0000000-0000-4000-8000-000000000099" }]));
    await syncNow();
    expect(getState()).toMatchObject({ waitingForSignIn: true, pending: 1 });

    let pushes = 0;
    server.use(
      signedIn(),
      http.post("*/v1/sync/push", async ({ request }) => {
        pushes += 1;
        const [m] = ((await request.json()) as PushRequest).mutations;
        return HttpResponse.json({ outcomes: [{ id: m!.id, seq: m!.seq, status: "applied", result: {} }] });
      }),
    );
    await syncNow();
    expect(pushes).toBe(1);
    expect(getState()).toMatchObject({ waitingForSignIn: false, pending: 0, lastError: null });
  });

  it("wipes the store on sign-out but keeps the device's id and sequence", async () => {
    pulls(snapshot());
    await enableOffline(CLINIC);
    const device = await deviceId();
    setOnline(false);
    await post(`/v1/appointments/${SEEN}/check-in`, {});
    const seq = (await db().queue.toArray())[0]!.seq;

    await disableOffline();
    expect(getState()).toMatchObject({ enabled: false, pending: 0 });
    expect(await hasUnsynced()).toBe(false);
    expect(await db().appointments.count()).toBe(0);
    expect(await deviceId()).toBe(device);

    await enableOffline(CLINIC);
    await post(`/v1/appointments/${SEEN}/check-in`, {});
    expect((await db().queue.toArray())[0]!.seq).toBe(seq + 1);
  });

  it("keeps a session usable offline for its offline hours", async () => {
    const principal = { id: DR_A, kind: "staff" as const, memberships: [{ role: "receptionist", clinic_id: CLINIC }] };
    await rememberSession(principal, 72);
    expect(await offlineSession()).toBeNull(); // offline mode is off: nothing to work with

    pulls(snapshot());
    await enableOffline(CLINIC);
    await rememberSession(principal, 2);
    const session = await offlineSession();
    expect(session?.principal).toEqual(principal);
    expect(Date.parse(session!.until) - Date.now()).toBeGreaterThan(1.9 * 3_600_000);
    expect(getState().sessionUntil).toBe(new Date(Date.parse(session!.until)).toISOString());

    await writeMeta({ lastOnlineAt: new Date(Date.now() - 3 * 3_600_000).toISOString() });
    expect(await offlineSession()).toBeNull();
    expect((await readMeta()).offlineHours).toBe(2);
  });

  it("tells the screens through hooks", async () => {
    pulls(snapshot());
    const { result, unmount } = renderHook(() => ({ state: useOfflineState(), mutations: useMutations(), pending: usePendingAppointmentIds() }));
    await act(() => enableOffline(CLINIC));
    expect(result.current.state).toMatchObject({ enabled: true, clinicId: CLINIC });
    setOnline(false);
    await act(async () => {
      await post(`/v1/appointments/${SEEN}/check-in`, {});
    });
    await waitFor(() => expect(result.current.state.pending).toBe(1));
    expect(result.current.mutations.map((m) => m.kind)).toEqual(["check_in"]);
    expect([...result.current.pending]).toEqual([SEEN]);
    unmount();
  });

  it("passes everything through when offline mode is off", async () => {
    server.use(http.get("*/v1/appointments", () => HttpResponse.json({ items: [], next_cursor: "from-the-server" })));
    const body = (await (await get(`/v1/appointments?clinic_id=${CLINIC}`)).json()) as { next_cursor: string };
    expect(body.next_cursor).toBe("from-the-server");
  });
});

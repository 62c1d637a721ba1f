/**
 * The gate of the first script: a device never switched to offline mode goes straight to the
 * network and shows offline mode off; switching it on (from the desk's chunk) sets the flag the
 * gate reads and records the session the gate saw while it was off.
 */
import { act, renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { vi } from "vitest";

import { principalOf } from "../../auth/principal";
import { refreshSession } from "../../auth/session";
import { server } from "../../../test/server";
import { accessToken } from "../../../test/token";
import { readMeta } from "../db";
import { setAutoSync } from "../engine";
import * as gate from "../gate";
import { disableOffline, enableOffline } from "../index";
import { CLINIC, DESK, DESK_ROLES, signedIn, snapshot } from "./fixtures";

afterEach(async () => {
  vi.restoreAllMocks();
  setAutoSync(true);
  await disableOffline();
});

it("with offline mode off: plain fetch, a disabled state, no session kept", async () => {
  const request = new Request(new URL("/v1/clinics", window.location.origin));
  const fetch = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("{}"));
  await gate.localFetch(request);
  expect(fetch).toHaveBeenCalledWith(request);
  expect(gate.offlineOn()).toBe(false);
  expect(renderHook(() => gate.useOfflineState()).result.current).toMatchObject({ enabled: false, pending: 0 });
  expect(await gate.offlineSession()).toBeNull();
  expect(await gate.hasUnsynced()).toBe(false);
});

it("switching offline mode on sets the flag and keeps the session seen while it was off", async () => {
  setAutoSync(false);
  server.use(signedIn(), http.get("*/v1/sync/clinics/:clinicId", () => HttpResponse.json(snapshot())));
  await refreshSession();
  const desk = principalOf(accessToken(DESK, DESK_ROLES))!;
  await gate.rememberSession(desk, 12);
  const state = renderHook(() => gate.useOfflineState());

  await act(() => enableOffline(CLINIC));
  expect(gate.offlineOn()).toBe(true);
  expect(await readMeta()).toMatchObject({ principal: desk, offlineHours: 12 });
  expect((await gate.offlineSession())?.principal).toEqual(desk);
  await waitFor(() => expect(state.result.current).toMatchObject({ enabled: true, clinicId: CLINIC }));

  await act(() => gate.disableOffline());
  expect(gate.offlineOn()).toBe(false);
  expect(state.result.current.enabled).toBe(false);
});

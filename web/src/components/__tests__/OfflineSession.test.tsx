/**
 * A front desk device in offline mode, started with no network: still signed in as the last
 * staff member (until their offline hours end), the header saying what waits to sync, and a
 * sign-out that warns before it wipes the changes that never reached the server.
 */
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";
import { vi } from "vitest";

import { principalOf } from "../../auth/principal";
import { deskRoutes } from "../../features/desk/routes";
import { disableOffline, enableOffline, hasUnsynced, rememberSession, syncNow } from "../../offline";
import { CLINIC, DESK, DESK_ROLES, AMINA, TYPE, at, post, setOnline, snapshot } from "../../offline/__tests__/fixtures";
import { setAutoSync } from "../../offline/engine";
import { renderAt } from "../../../test/render";
import { server } from "../../../test/server";
import { accessToken } from "../../../test/token";
import { Layout } from "../Layout";

vi.setConfig({ testTimeout: 40_000 });
beforeAll(async () => {
  await import("../../features/desk/DeskSync");
}, 30_000);

afterEach(async () => {
  setOnline(true);
  setAutoSync(true);
  await disableOffline();
});

it("starts signed in from the device's offline session, shows what waits, and warns before sign-out wipes it", async () => {
  setAutoSync(false);
  server.use(http.get("*/v1/sync/clinics/:clinicId", () => HttpResponse.json(snapshot())));
  await enableOffline(CLINIC);
  await rememberSession(principalOf(accessToken(DESK, DESK_ROLES))!, 72);
  setOnline(false);
  const booked = await post("/v1/appointments", { clinic_id: CLINIC, type_id: TYPE, patient_id: AMINA, starts_at: at(20), walk_in: false });
  expect(booked.status).toBe(201);
  // No network at start-up: the refresh, like every other call, never gets an answer.
  server.use(http.all("*/v1/*", () => HttpResponse.error()));
  await syncNow(); // finds no network

  renderAt(
    "/desk/sync",
    <Route element={<Layout />}>
      {deskRoutes}
      <Route path="/" element={<p>start page</p>} />
      <Route path="/sign-in" element={<p>sign-in page</p>} />
    </Route>,
  );
  const user = userEvent.setup();
  expect(await screen.findByRole("heading", { level: 1, name: "Sync" })).toBeInTheDocument();
  const changes = screen.getByRole("region", { name: "Changes on this device" });
  expect(await within(changes).findByRole("listitem")).toHaveTextContent(/Book Amina Odhiambo.*Waiting to sync/);

  const banner = screen.getByRole("banner");
  const status = within(banner).getByRole("button", { name: /Offline · 1/ });
  await user.click(status);
  // The details open beside it (positioned by floating-ui, which jsdom cannot lay out).
  const details = await waitFor(() => {
    const dropdown = document.getElementById(status.getAttribute("aria-controls")!);
    expect(dropdown).not.toBeNull(); // the dropdown mounts after the click's render
    return dropdown!;
  });
  expect(details).toHaveTextContent("1 change waiting to sync");
  expect(details).toHaveTextContent(/Signed in offline until/);
  expect(within(banner).getByRole("status")).toHaveTextContent("Offline. 1 change waiting to sync");
  await user.keyboard("{Escape}");

  await user.click(within(banner).getAllByRole("button", { name: /Sign out/ })[0]!);
  const warning = await screen.findByRole("dialog", { name: "Changes not synced" });
  expect(warning).toHaveTextContent("1 change has not reached the server.");
  await user.click(within(warning).getByRole("button", { name: "Sign out and delete them" }));
  expect(await within(banner).findByRole("link", { name: "Sign in" })).toBeInTheDocument();
  expect(await hasUnsynced()).toBe(false);
});

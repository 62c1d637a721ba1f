import { QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse, type JsonBodyType } from "msw";
import type { ReactNode } from "react";

import { server } from "../../../test/server";
import { staleAfter, useCommand } from "../commands";
import { $api, createQueryClient } from "../query";

const APPOINTMENT = "44444444-4444-4444-8444-444444444444";
const page = { items: [], next_cursor: null };

/** Fake reads that count how often each is asked, and the writes under test. */
function api() {
  const reads: Record<string, number> = {};
  const writes: Request[] = [];
  const read = (name: string, body: JsonBodyType) => () => {
    reads[name] = (reads[name] ?? 0) + 1;
    return HttpResponse.json(body);
  };
  server.use(
    http.get("*/v1/clinics", read("clinics", page)),
    http.get("*/v1/slots", read("slots", page)),
    http.get("*/v1/appointments", read("appointments", page)),
    http.get("*/v1/appointments/:id", read("appointment", { id: APPOINTMENT })),
    http.get("*/v1/me", read("me", { id: "u1" })),
    http.post("*/v1/appointments", ({ request }) => {
      writes.push(request);
      return HttpResponse.json({ id: APPOINTMENT, status: "booked" }, { status: 201 });
    }),
    http.post("*/v1/me/password", ({ request }) => {
      writes.push(request);
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return { reads, writes };
}

/** A screen showing the clinics, a day's free slots and the patient's appointments. */
function setup() {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  const view = renderHook(
    () => ({
      clinics: $api.useQuery("get", "/v1/clinics", { params: { query: { limit: 200 } } }),
      slots: $api.useQuery("get", "/v1/slots", { params: { query: { clinic_id: "c", type_id: "t", limit: 200 } } }),
      appointments: $api.useQuery("get", "/v1/appointments", { params: { query: { limit: 50 } } }),
      book: useCommand("post", "/v1/appointments"),
      changePassword: useCommand("post", "/v1/me/password"),
    }),
    { wrapper },
  );
  return { client, view };
}

/** Cached earlier by a screen that is gone: no observer, so an invalidation only marks it. */
const detailKey = ["get", "/v1/appointments/{appointment_id}", { params: { path: { appointment_id: APPOINTMENT } } }] as const;
const meKey = ["get", "/v1/me"] as const;

/** Let anything scheduled after a command (a late refetch, a render) run. */
const settled = () => act(() => new Promise((resolve) => setTimeout(resolve, 50)));

async function loaded() {
  const fakes = api();
  const { client, view } = setup();
  await waitFor(() => {
    expect(view.result.current.clinics.isSuccess).toBe(true);
    expect(view.result.current.slots.isSuccess).toBe(true);
    expect(view.result.current.appointments.isSuccess).toBe(true);
  });
  await client.prefetchQuery($api.queryOptions("get", "/v1/appointments/{appointment_id}", detailKey[2]));
  await client.prefetchQuery($api.queryOptions("get", "/v1/me"));
  expect(fakes.reads).toEqual({ clinics: 1, slots: 1, appointments: 1, appointment: 1, me: 1 });
  return { ...fakes, client, view };
}

describe("useCommand", () => {
  it("refreshes the reads its command makes stale, and not the others", async () => {
    const { reads, writes, client, view } = await loaded();

    await act(() => view.result.current.book.mutateAsync({ body: { hold_id: APPOINTMENT, walk_in: false } }));

    expect(writes).toHaveLength(1);
    expect(writes[0]!.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    // The command settles once the shown reads it changed have been fetched again.
    expect(reads.slots).toBe(2);
    expect(reads.appointments).toBe(2);
    // An unshown read it changed is marked, to be fetched when a screen shows it again.
    expect(client.getQueryState(detailKey)?.isInvalidated).toBe(true);
    expect(reads.appointment).toBe(1);
    // What a booking does not change stays as it is: no refetch, not even marked stale.
    expect(reads.clinics).toBe(1);
    expect(reads.me).toBe(1);
    expect(client.getQueryState(["get", "/v1/clinics", { params: { query: { limit: 200 } } }])?.isInvalidated).toBe(false);
    expect(client.getQueryState(meKey)?.isInvalidated).toBe(false);
    await settled(); // nothing else trails behind
    expect(reads).toEqual({ clinics: 1, slots: 2, appointments: 2, appointment: 1, me: 1 });
  });

  it("refreshes nothing after a command that changes no read", async () => {
    const { reads, writes, client, view } = await loaded();

    await act(() =>
      view.result.current.changePassword.mutateAsync({ body: { current_password: "old-secret-1", new_password: "new-secret-22" } }),
    );

    expect(writes).toHaveLength(1);
    await settled();
    expect(reads).toEqual({ clinics: 1, slots: 1, appointments: 1, appointment: 1, me: 1 });
    expect(client.getQueryCache().getAll().some((query) => query.state.isInvalidated)).toBe(false);
  });

  it("names the reads of a booking's steps, and leaves the clinics, types and profile alone", () => {
    expect(staleAfter("post", "/v1/slot-holds")).toEqual(["/v1/slots"]);
    const booked = staleAfter("post", "/v1/appointments");
    expect(booked).toEqual(expect.arrayContaining(["/v1/slots", "/v1/appointments", "/v1/appointments/{appointment_id}"]));
    for (const path of ["/v1/clinics", "/v1/appointment-types", "/v1/me"] as const) {
      expect(booked).not.toContain(path);
      expect(staleAfter("post", "/v1/slot-holds")).not.toContain(path);
    }
  });
});

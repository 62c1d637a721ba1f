import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";
import { vi } from "vitest";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import type { Conflict, MutationView } from "../../../offline";
import { deskRoutes } from "../routes";
import { SyncOutcomes } from "../SyncOutcomes";
import { at, CLINIC_ID, deskSession, page, PATIENT_ID, PROVIDER_ID, provider, TYPE_ID, ZONE } from "./fixtures";

beforeAll(async () => {
  await import("../DeskSync");
}, 30_000);
vi.setConfig({ testTimeout: 40_000 });
configure({ asyncUtilTimeout: 10_000 });

function change(seq: number, kind: string, status: MutationView["status"], extra: Partial<MutationView> = {}): MutationView {
  return { id: `m${seq}`, seq, kind, summary: {}, recordedAt: at("07:55"), status, ...extra };
}

describe("the device's changes on the sync page", () => {
  it("shows each change with its outcome: done, conflict, refused with the server's reason, not sent because of which", async () => {
    const mutations = [
      change(3, "book", "conflict", { summary: { patientName: "Amina Wanjiku", startsAt: at("10:00") }, conflictId: "c1", problem: { detail: "The provider is already booked then." } }),
      change(1, "register_patient", "applied", { summary: { patientName: "Baraka Otieno" } }),
      change(2, "book", "applied", { summary: { patientName: "Baraka Otieno", startsAt: at("09:00") } }),
      change(4, "register_patient", "rejected", { summary: { patientName: "Juma" }, problem: { title: "Invalid phone", detail: "The phone number is not valid." } }),
      { ...change(5, "book", "blocked", { summary: { patientName: "Juma", startsAt: at("11:00") } }), blockedBy: "m4" },
      change(6, "check_in", "pending", { summary: { patientName: "Amina Wanjiku" } }),
    ];
    renderAt("/", <Route path="/" element={<SyncOutcomes mutations={mutations} zone={ZONE} inboxId="inbox" />} />);
    const items = await screen.findAllByRole("listitem");
    expect(items.map((item) => within(item).getByText(/^(Register|Book|Check in)/).textContent)).toEqual([
      "Register Baraka Otieno",
      "Book Baraka Otieno",
      "Book Amina Wanjiku",
      "Register Juma",
      "Book Juma",
      "Check in Amina Wanjiku",
    ]);
    expect(items[0]).toHaveTextContent("Done");
    expect(items[1]).toHaveTextContent(/For .*9:00.*Done/);
    expect(items[2]).toHaveTextContent("Conflict");
    expect(items[2]).toHaveTextContent("The provider is already booked then.");
    expect(within(items[2]!).getByRole("link", { name: "Resolve it in the conflict inbox" })).toHaveAttribute("href", "#inbox");
    expect(items[3]).toHaveTextContent("Refused");
    expect(items[3]).toHaveTextContent("Invalid phone: The phone number is not valid.");
    expect(items[4]).toHaveTextContent("Not sent: it needs an earlier change that did not go through (Register Juma).");
    expect(items[5]).toHaveTextContent("Waiting to sync");
  });
});

function conflict(overrides: Partial<Conflict> = {}): Conflict {
  return {
    id: "c1",
    clinic_id: CLINIC_ID,
    device_id: "d1",
    mutation_id: "m3",
    kind: "book",
    appointment_id: "a1",
    patient_id: PATIENT_ID,
    patient_name: "Amina Wanjiku",
    type_id: TYPE_ID,
    provider_id: PROVIDER_ID,
    starts_at: at("10:00"),
    ends_at: at("10:20"),
    recorded_at: at("07:55"),
    problem: { type: "urn:clinic:problem:slot-taken", status: 409, detail: "The provider is already booked then." },
    alternatives: [{ starts_at: at("10:30"), provider_ids: [PROVIDER_ID] }],
    status: "open",
    resolution: null,
    resolved_by: null,
    resolved_at: null,
    created_at: at("08:05"),
    ...overrides,
  };
}

/** The inbox's server: open conflicts until resolved; each resolve body is kept. */
function inbox(answer: (body: Record<string, unknown>, n: number) => Response) {
  const bodies: Record<string, unknown>[] = [];
  let open = [conflict()];
  server.use(
    ...deskSession(),
    http.get("*/v1/users", () => page([provider])),
    http.get("*/v1/sync/clinics/:id/conflicts", ({ request, params }) => {
      expect(params.id).toBe(CLINIC_ID);
      expect(new URL(request.url).searchParams.get("status")).toBe("open");
      return page(open);
    }),
    http.post("*/v1/sync/conflicts/:id/resolve", async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      const response = answer(body, bodies.length);
      if (response.ok) open = [];
      return response;
    }),
  );
  return bodies;
}

describe("the conflict inbox", () => {
  it("books an alternative; a time taken again offers the new free times next to it", async () => {
    const bodies = inbox((body, n) =>
      n === 1
        ? problem(409, "slot-taken", { detail: "Taken.", alternatives: [{ starts_at: at("11:00"), ends_at: at("11:20"), provider_ids: [PROVIDER_ID] }] })
        : HttpResponse.json({ ...conflict(), status: "resolved", resolution: body }),
    );
    renderAt("/desk/sync", deskRoutes);
    const user = userEvent.setup();
    const card = await screen.findByRole("listitem", { name: /Amina Wanjiku/ });
    expect(card).toHaveTextContent("The provider is already booked then.");
    await user.click(await within(card).findByRole("button", { name: /Book 10:30.* with Dr Peter Otieno/ }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("That time was taken too.");
    await user.click(within(card).getByRole("button", { name: /Book 11:00/ }));
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies).toEqual([
      { action: "book", starts_at: at("10:30"), provider_id: PROVIDER_ID },
      { action: "book", starts_at: at("11:00"), provider_id: PROVIDER_ID },
    ]);
    expect(await screen.findByRole("status")).toHaveTextContent(/Amina Wanjiku is booked for 11:00/);
    expect(await screen.findByText("No conflicts to resolve.")).toBeInTheDocument();
  });

  it("cancels with a reason, or puts the patient on the waitlist", async () => {
    const bodies = inbox((body) => HttpResponse.json({ ...conflict(), status: "resolved", resolution: body }));
    renderAt("/desk/sync", deskRoutes);
    const user = userEvent.setup();
    const card = await screen.findByRole("listitem", { name: /Amina Wanjiku/ });
    await user.click(within(card).getByRole("button", { name: "Cancel the visit" }));
    await user.type(within(card).getByLabelText("Reason (optional)"), "No time left today");
    await user.click(within(card).getByRole("button", { name: "Cancel and tell the patient" }));
    await waitFor(() => expect(bodies).toEqual([{ action: "cancel", reason: "No time left today" }]));
    expect(await screen.findByRole("status")).toHaveTextContent("The visit of Amina Wanjiku is cancelled; the patient is told.");
  });

  it("shows a refusal next to the conflict it concerns", async () => {
    inbox(() => problem(409, "conflict-resolved", { detail: "Someone resolved this conflict already." }));
    renderAt("/desk/sync", deskRoutes);
    const user = userEvent.setup();
    const card = await screen.findByRole("listitem", { name: /Amina Wanjiku/ });
    await user.click(within(card).getByRole("button", { name: "Put on the waitlist" }));
    expect(await within(card).findByRole("alert")).toHaveTextContent("Someone resolved this conflict already.");
  });
});

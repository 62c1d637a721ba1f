import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import AuditPage from "../AuditPage";
import { CLINIC_ID, clinicAdmin, orgAdmin, page, receptionist, signedInAs } from "./setupFixtures";

function entry(seq: number, overrides: Record<string, unknown> = {}) {
  return {
    seq,
    occurred_at: "2026-12-01T06:00:00Z",
    action: "auth.sign_in",
    outcome: "failure",
    actor_id: null,
    subject_id: null,
    clinic_id: CLINIC_ID,
    client_address: null,
    details: { reason: "wrong_password" },
    prev_hash: "0".repeat(64),
    hash: "1".repeat(64),
    ...overrides,
  };
}

describe("audit log", () => {
  it("builds the query from who, what, outcome, clinic and days in the clinic's zone, and pages on", async () => {
    const asked: URLSearchParams[] = [];
    server.use(
      ...signedInAs(orgAdmin, [receptionist]),
      http.get("*/v1/users", () => page([receptionist])),
      http.get("*/v1/audit-events", ({ request }) => {
        const params = new URL(request.url).searchParams;
        asked.push(params);
        return HttpResponse.json({ items: [entry(params.has("cursor") ? 7 : 9)], next_cursor: params.has("cursor") ? null : "c2" });
      }),
    );
    renderAt("/admin/audit", <Route path="/admin/audit" element={<AuditPage />} />);
    await screen.findByText("#9");
    // An org admin starts with every clinic's entries.
    expect(Object.fromEntries(asked[0]!)).toEqual({ limit: "50" });

    const who = screen.getByRole("combobox", { name: "Who" });
    await screen.findByRole("option", { name: "Otieno Desk" });
    await userEvent.selectOptions(who, receptionist.id);
    fireEvent.change(screen.getByRole("textbox", { name: /Action/ }), { target: { value: "auth.sign_in" } });
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Outcome" }), "failure");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Clinic" }), CLINIC_ID);
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-12-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-12-02" } });
    await userEvent.click(screen.getByRole("button", { name: "Show entries" }));

    await vi.waitFor(() => expect(asked.length).toBeGreaterThan(1));
    // Whole days in Nairobi (UTC+3): from its midnight of the 1st to its midnight after the 2nd.
    expect(Object.fromEntries(asked.at(-1)!)).toEqual({
      actor_id: receptionist.id,
      action: "auth.sign_in",
      outcome: "failure",
      clinic_id: CLINIC_ID,
      since: "2026-11-30T21:00:00.000Z",
      until: "2026-12-02T21:00:00.000Z",
      limit: "50",
    });
    expect(within(screen.getByRole("table")).getByText("Failed")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("#7");
    expect(asked.at(-1)!.get("cursor")).toBe("c2");
    expect(asked.at(-1)!.get("action")).toBe("auth.sign_in");
    expect(screen.getByRole("button", { name: "Next" })).toBeDisabled();
  });

  it("lets an org admin verify the chain, part by part, and names the first broken entry and why", async () => {
    const cursors: (string | null)[] = [];
    server.use(
      ...signedInAs(orgAdmin),
      http.get("*/v1/users", () => page([])),
      http.get("*/v1/audit-events", () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get("*/v1/audit-events/verification", ({ request }) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        cursors.push(cursor);
        const first = { intact: true, complete: false, checked: 1000, last_seq: 1000, last_hash: "a", broken: null, next_cursor: "p2" };
        const second = {
          intact: false,
          complete: false,
          checked: 41,
          last_seq: 1041,
          last_hash: "b",
          broken: { seq: 1042, reason: "edited", message: "entry 1042's hash does not match its content" },
          next_cursor: null,
        };
        return HttpResponse.json(cursor ? second : first);
      }),
    );
    renderAt("/admin/audit", <Route path="/admin/audit" element={<AuditPage />} />);
    await userEvent.click(await screen.findByRole("button", { name: "Verify the chain" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The chain is broken at entry #1042");
    expect(alert).toHaveTextContent("Its content no longer matches its hash: it was edited.");
    expect(alert).toHaveTextContent("1,041 entries checked.");
    expect(cursors).toEqual([null, "p2"]);
  });

  it("offers a clinic admin neither the chain check nor other clinics", async () => {
    let asked: URLSearchParams | null = null;
    server.use(
      ...signedInAs(clinicAdmin),
      http.get("*/v1/users", () => page([])),
      http.get("*/v1/audit-events", ({ request }) => {
        asked = new URL(request.url).searchParams;
        return HttpResponse.json({ items: [], next_cursor: null });
      }),
    );
    renderAt("/admin/audit", <Route path="/admin/audit" element={<AuditPage />} />);
    await screen.findByText("No entries match.");
    expect(asked!.get("clinic_id")).toBe(CLINIC_ID);
    expect(screen.queryByRole("button", { name: "Verify the chain" })).not.toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Clinic" })).toHaveTextContent("Demo Clinic Nairobi");
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import type { components } from "../../../api/schema";
import { CLINIC_ID, page, provider, PROVIDER_ID, signedInAs, staff } from "../../clinic/__tests__/session";
import LeavePage from "../LeavePage";

type LeaveRead = components["schemas"]["LeaveRead"];
const admin = staff("66666666-6666-4666-8666-666666666666", "clinic_admin", "Grace Admin");
const SHIFT = { id: "s1", clinic_id: CLINIC_ID, starts_at: "2027-03-10T08:00:00+03:00", ends_at: "2027-03-10T17:00:00+03:00" };
const requested: LeaveRead = {
  id: "l1",
  clinic_id: CLINIC_ID,
  staff_id: PROVIDER_ID,
  staff_name: "Dr Wanjiru Kamau",
  kind: "training",
  starts_at: "2027-03-10T00:00:00+03:00",
  ends_at: "2027-03-11T00:00:00+03:00",
  status: "requested",
  reason: "Ultrasound course",
  requested_by: PROVIDER_ID,
  decided_by: null,
  decided_at: null,
  decision_note: null,
  cancelled_by: null,
  cancelled_at: null,
  cancel_note: null,
  created_at: "2027-01-01T00:00:00Z",
  updated_at: "2027-01-01T00:00:00Z",
};

describe("leave requests", () => {
  it("shows the shifts a request covers, approves it with a note and lists the shifts needing cover", async () => {
    let stored: LeaveRead = requested;
    let decision: unknown = null;
    const statuses: (string | null)[] = [];
    server.use(
      ...signedInAs(admin, [provider]),
      http.get("*/v1/leave", ({ request }) => {
        const status = new URL(request.url).searchParams.get("status");
        statuses.push(status);
        return page(stored.status === status ? [stored] : []);
      }),
      http.get("*/v1/leave/:id", () => HttpResponse.json({ ...stored, affected_shifts: [SHIFT] })),
      http.post("*/v1/leave/:id/approve", async ({ request }) => {
        decision = await request.json();
        stored = { ...requested, status: "approved", decision_note: "Enjoy" };
        return HttpResponse.json({ ...stored, affected_shifts: [SHIFT] });
      }),
    );
    renderAt("/admin/leave", <Route path="/admin/leave" element={<LeavePage />} />);
    const user = userEvent.setup();
    const card = await screen.findByRole("article", { name: /Leave of Dr Wanjiru Kamau/ });
    expect(within(card).getByText("Pending")).toBeInTheDocument();
    expect(within(card).getByText("Reason: Ultrasound course")).toBeInTheDocument();
    const covered = await within(card).findByTestId("leave-shifts");
    expect(covered).toHaveTextContent(/Mar 10 8:00 AM–5:00 PM · Demo Clinic Nairobi/);

    await user.click(within(card).getByRole("button", { name: /Approve leave of Dr Wanjiru Kamau/ }));
    const dialog = await screen.findByRole("dialog", { name: "Approve leave of Dr Wanjiru Kamau" });
    await user.type(within(dialog).getByLabelText(/Note to the staff member/), "Enjoy");
    await user.click(within(dialog).getByRole("button", { name: "Approve leave" }));

    const outcome = await screen.findByRole("status", { name: /Leave of Dr Wanjiru Kamau approved/ });
    expect(outcome).toHaveTextContent("These shifts need cover:");
    expect(outcome).toHaveTextContent(/Mar 10 8:00 AM–5:00 PM/);
    expect(decision).toEqual({ note: "Enjoy" });
    // The pending list is read again and the request has left it.
    expect(await screen.findByText("No leave waiting for a decision.")).toBeInTheDocument();
    expect(statuses.every((s) => s === "requested")).toBe(true);

    await user.click(screen.getByRole("radio", { name: "Approved" }));
    const approved = await screen.findByRole("article", { name: /Leave of Dr Wanjiru Kamau/ });
    expect(within(approved).getByText("Approved")).toBeInTheDocument();
    expect(within(approved).queryByRole("button", { name: /Approve/ })).not.toBeInTheDocument();
    await waitFor(() => expect(statuses).toContain("approved"));
  });
});

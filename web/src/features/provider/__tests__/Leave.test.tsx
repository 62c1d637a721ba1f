import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { notifications } from "@mantine/notifications";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import type { components } from "../../../api/schema";
import { CLINIC_ID, page, PROVIDER_ID, provider, signedInAs } from "../../clinic/__tests__/session";
import { addDays, todayIn, zonedInstant } from "../days";
import Leave, { leaveBody } from "../Leave";

type LeaveRead = components["schemas"]["LeaveRead"];
const ZONE = "Africa/Nairobi";

function leave(first: string, last: string, overrides: Partial<LeaveRead> = {}): LeaveRead {
  return {
    id: crypto.randomUUID(),
    clinic_id: CLINIC_ID,
    staff_id: PROVIDER_ID,
    staff_name: "Dr Wanjiru Kamau",
    kind: "annual",
    starts_at: zonedInstant(first, "00:00", ZONE),
    ends_at: zonedInstant(addDays(last, 1), "00:00", ZONE),
    status: "requested",
    reason: null,
    requested_by: PROVIDER_ID,
    decided_by: null,
    decided_at: null,
    decision_note: null,
    cancelled_by: null,
    cancelled_at: null,
    cancel_note: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("leave", () => {
  afterEach(() => act(() => notifications.clean()));
  const day = addDays(todayIn(ZONE), 30);

  it("sends whole days and shows the new request as pending", async () => {
    const stored: LeaveRead[] = [];
    let sent: Record<string, unknown> | null = null;
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/leave", () => page(stored)),
      http.post("*/v1/leave", async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        const created = leave(day, day, { reason: "Family wedding" });
        stored.push(created);
        return HttpResponse.json(created, { status: 201 });
      }),
    );
    renderAt("/provider/leave", <Route path="/provider/leave" element={<Leave />} />);
    const user = userEvent.setup();
    expect(await screen.findByText("You have no leave requests.")).toBeInTheDocument();
    await user.type(screen.getByLabelText(/First day away/), day);
    await user.type(screen.getByLabelText(/Last day away/), day);
    await user.type(screen.getByLabelText(/Reason/), "Family wedding");
    await user.click(screen.getByRole("button", { name: "Request leave" }));
    const row = await screen.findByTestId("leave-row");
    expect(within(row).getByText("Pending")).toBeInTheDocument();
    expect(within(row).getByText("Family wedding")).toBeInTheDocument();
    expect(sent).toEqual({ clinic_id: CLINIC_ID, kind: "annual", reason: "Family wedding", first_day: day, last_day: day });
  });

  it("puts the server's field errors next to their fields and keeps what was typed", async () => {
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/leave", () => page([])),
      http.post("*/v1/leave", () =>
        problem(422, "validation-error", {
          errors: [{ field: "body.last_day", message: "Input should be a valid date", code: "date_parsing" }],
        }),
      ),
    );
    renderAt("/provider/leave", <Route path="/provider/leave" element={<Leave />} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/First day away/), day);
    await user.type(screen.getByLabelText(/Last day away/), day);
    await user.click(screen.getByRole("button", { name: "Request leave" }));
    expect(await screen.findByText("Input should be a valid date")).toBeInTheDocument();
    expect(screen.getByLabelText(/Last day away/)).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText(/First day away/)).toHaveValue(day);
    expect(screen.getByRole("alert")).toHaveTextContent(/need attention/);
  });

  it("checks the days before sending", async () => {
    let posted = false;
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/leave", () => page([])),
      http.post("*/v1/leave", () => {
        posted = true;
        return HttpResponse.json({}, { status: 201 });
      }),
    );
    renderAt("/provider/leave", <Route path="/provider/leave" element={<Leave />} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/First day away/), day);
    await user.type(screen.getByLabelText(/Last day away/), addDays(day, -2));
    await user.click(screen.getByRole("button", { name: "Request leave" }));
    expect(await screen.findByText("The last day cannot be before the first day")).toBeInTheDocument();
    expect(posted).toBe(false);
  });

  it("explains an overlap with the leave already there", async () => {
    const existing = leave(day, addDays(day, 2), { status: "approved" });
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/leave", () => page([])),
      http.post("*/v1/leave", () => problem(409, "leave-overlap", { clashing_leave: existing })),
    );
    renderAt("/provider/leave", <Route path="/provider/leave" element={<Leave />} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/First day away/), day);
    await user.type(screen.getByLabelText(/Last day away/), day);
    await user.click(screen.getByRole("button", { name: "Request leave" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/already have approved leave/);
  });

  it("cancels a pending request after asking, and shows a refusal in the dialog", async () => {
    const pending = leave(day, day);
    let calls = 0;
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/leave", () => page([pending])),
      http.post("*/v1/leave/:id/cancel", ({ params }) => {
        calls += 1;
        expect(params.id).toBe(pending.id);
        if (calls === 1) {
          return problem(409, "invalid-transition", { detail: "The leave is approved." });
        }
        pending.status = "cancelled";
        return HttpResponse.json(pending);
      }),
    );
    renderAt("/provider/leave", <Route path="/provider/leave" element={<Leave />} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /Cancel request for/ }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Cancel the leave" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("The leave is approved.");
    await user.click(within(dialog).getByRole("button", { name: "Cancel the leave" }));
    await waitFor(() => expect(screen.getByTestId("leave-row")).toHaveAttribute("data-status", "cancelled"));
    expect(within(screen.getByTestId("leave-row")).getByText("Cancelled")).toBeInTheDocument();
  });

  it("reads a time range in the clinic's zone", () => {
    const body = leaveBody(
      { kind: "sick", mode: "times", first_day: "", last_day: "", starts_at: "2026-12-07T08:00", ends_at: "2026-12-07T13:30", reason: " " },
      CLINIC_ID,
      ZONE,
    );
    expect(body).toEqual({
      clinic_id: CLINIC_ID,
      kind: "sick",
      reason: null,
      starts_at: "2026-12-07T08:00:00+03:00",
      ends_at: "2026-12-07T13:30:00+03:00",
    });
  });
});

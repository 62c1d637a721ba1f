import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import { CLINIC_ID, page, provider, PROVIDER_ID, signedInAs, staff } from "../../clinic/__tests__/session";
import { todayIn } from "../../provider/days";
import ShiftTemplatesPage from "../ShiftTemplatesPage";

const admin = staff("66666666-6666-4666-8666-666666666666", "clinic_admin", "Grace Admin");

function serve(onPost: (body: Record<string, unknown>) => Response | Promise<Response>) {
  server.use(
    ...signedInAs(admin, [provider]),
    http.get("*/v1/users", () => page([admin, provider])),
    http.get("*/v1/shift-templates", () => page([])),
    http.post("*/v1/shift-templates", async ({ request }) => onPost((await request.json()) as Record<string, unknown>)),
  );
  renderAt("/admin/shift-templates", <Route path="/admin/shift-templates" element={<ShiftTemplatesPage />} />);
}

async function openEditor() {
  const user = userEvent.setup();
  expect(await screen.findByText("Weekly hours of Dr Wanjiru Kamau")).toBeInTheDocument();
  await user.click(await screen.findByRole("button", { name: "New weekly hours" }));
  return user;
}

function created(body: Record<string, unknown>) {
  return HttpResponse.json({ id: "t1", ...body, note: null, generated_until: null, created_at: "", updated_at: "", sync: { scheduled: 12, changed: 0, removed: 0, kept: 0 } }, { status: 201 });
}

/** Drag on a day's column from one minute of the day to another (576 px for 24 hours). */
function drag(column: HTMLElement, from: number, to: number) {
  column.getBoundingClientRect = () => ({ top: 0, height: 576, left: 0, width: 50, bottom: 576, right: 50, x: 0, y: 0, toJSON: () => ({}) });
  const y = (minute: number) => (minute / 1440) * 576;
  fireEvent.pointerDown(column, { clientY: y(from), button: 0, pointerId: 1 });
  fireEvent.pointerMove(column, { clientY: y((from + to) / 2), pointerId: 1 });
  fireEvent.pointerMove(column, { clientY: y(to) + 1, pointerId: 1 }); // snaps to 15 minutes
  fireEvent.pointerUp(column, { clientY: y(to) + 1, pointerId: 1 });
}

describe("weekly hours", () => {
  it("builds the template from the keyboard: hours, a break, and the POST body", async () => {
    let sent: Record<string, unknown> | null = null;
    serve((body) => {
      sent = body;
      return created(body);
    });
    const user = await openEditor();
    const monday = screen.getByRole("group", { name: "Monday" });
    await user.click(within(monday).getByRole("button", { name: "Add hours on Monday" }));
    const hours = within(monday).getByRole("group", { name: "Monday, hours 1" });
    expect(within(hours).getByLabelText("Starts")).toHaveFocus();
    await user.keyboard("08:00");
    await user.type(within(hours).getByLabelText("Ends"), "17:00");
    await user.click(within(hours).getByRole("button", { name: "Add break to Monday, hours 1" }));
    const pause = within(hours).getByRole("group", { name: "Monday, hours 1, break 1" });
    await user.type(within(pause).getByLabelText("Break starts"), "13:00");
    await user.type(within(pause).getByLabelText("Break ends"), "14:00");
    // A night on Friday, typed too: it ends the next morning.
    const friday = screen.getByRole("group", { name: "Friday" });
    await user.click(within(friday).getByRole("button", { name: "Add hours on Friday" }));
    await user.keyboard("20:00");
    await user.type(within(friday).getByLabelText("Ends"), "08:00");
    expect(within(friday).getByText("Runs overnight: ends the next morning.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save weekly hours" }));
    await waitFor(() => expect(sent).not.toBeNull());
    expect(sent).toEqual({
      clinic_id: CLINIC_ID,
      staff_id: PROVIDER_ID,
      role: "provider",
      valid_from: todayIn("Africa/Nairobi"),
      valid_until: null,
      weekly: [
        { day: "mon", starts: "08:00", ends: "17:00", breaks: [{ starts: "13:00", ends: "14:00" }] },
        { day: "fri", starts: "20:00", ends: "08:00", breaks: [] },
      ],
    });
    expect(await screen.findByText(/12 shifts added/)).toBeInTheDocument();
  });

  it("draws hours and a break by dragging, and shows a refusal next to those hours", async () => {
    const bodies: Record<string, unknown>[] = [];
    serve((body) => {
      bodies.push(body);
      return problem(422, "validation-error", {
        errors: [{ field: "body", message: "Value error, working hours overlap at tue 08:00", code: "value_error" }],
      });
    });
    await openEditor();
    const tuesday = screen.getAllByTestId("week-grid-day").find((c) => c.dataset.day === "tue")!;
    drag(tuesday, 8 * 60, 12 * 60);
    const hours = screen.getByRole("group", { name: "Tuesday, hours 1" });
    expect(within(hours).getByLabelText("Starts")).toHaveValue("08:00");
    expect(within(hours).getByLabelText("Ends")).toHaveValue("12:00");
    drag(tuesday, 10 * 60, 10 * 60 + 30); // inside the hours: a break
    const pause = within(hours).getByRole("group", { name: "Tuesday, hours 1, break 1" });
    expect(within(pause).getByLabelText("Break starts")).toHaveValue("10:00");
    expect(within(pause).getByLabelText("Break ends")).toHaveValue("10:30");

    await userEvent.click(screen.getByRole("button", { name: "Save weekly hours" }));
    expect(await within(hours).findByText("These hours overlap other hours of the week.")).toBeInTheDocument();
    expect(hours).toHaveAccessibleDescription("These hours overlap other hours of the week.");
    expect(within(hours).getByLabelText("Starts")).toBeInvalid();
    expect(bodies[0]!.weekly).toEqual([{ day: "tue", starts: "08:00", ends: "12:00", breaks: [{ starts: "10:00", ends: "10:30" }] }]);
  });
});

import { screen, within } from "@testing-library/react";
import { http } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import type { components } from "../../../api/schema";
import { CLINIC_ID, page, PROVIDER_ID, provider, signedInAs } from "../../clinic/__tests__/session";
import { addDays, mondayOf, todayIn, zonedInstant } from "../days";
import MyShifts from "../MyShifts";

type Shift = components["schemas"]["ShiftRead"];
const ZONE = "Africa/Nairobi";

function shift(day: string, overrides: Partial<Shift> = {}): Shift {
  return {
    id: crypto.randomUUID(),
    clinic_id: CLINIC_ID,
    staff_id: PROVIDER_ID,
    staff_name: "Dr Wanjiru Kamau",
    role: "provider",
    local_date: day,
    starts_at: zonedInstant(day, "08:00", ZONE),
    ends_at: zonedInstant(day, "17:00", ZONE),
    breaks: [{ starts_at: zonedInstant(day, "13:00", ZONE), ends_at: zonedInstant(day, "14:00", ZONE) }],
    worked_hours: 8,
    status: "scheduled",
    template_id: null,
    modified: false,
    cancel_reason: null,
    note: null,
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("my shifts", () => {
  it("shows this week and next day by day, with breaks, hours and cancelled shifts marked", async () => {
    const monday = mondayOf(todayIn(ZONE));
    let asked: URLSearchParams | null = null;
    server.use(
      ...signedInAs(provider),
      http.get("*/v1/shifts", ({ request }) => {
        asked = new URL(request.url).searchParams;
        return page([
          shift(monday),
          shift(addDays(monday, 1)),
          shift(addDays(monday, 8), { status: "cancelled", cancel_reason: "clinic_closed" }),
          shift(addDays(monday, 9)),
        ]);
      }),
    );
    renderAt("/provider/shifts", <Route path="/provider/shifts" element={<MyShifts />} />);
    expect(await screen.findByRole("heading", { name: /This week/ })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /Next week/ })).toBeInTheDocument();
    const days = screen.getAllByTestId("shift-day");
    expect(days).toHaveLength(14);
    const mondayCard = days.find((d) => d.dataset.day === monday)!;
    expect(within(mondayCard).getByText(/8:00.*–.*5:00/)).toBeInTheDocument();
    expect(within(mondayCard).getByText(/Break 1:00.*–.*2:00/)).toBeInTheDocument();
    const closed = days.find((d) => d.dataset.day === addDays(monday, 8))!;
    expect(within(closed).getByText("Cancelled")).toBeInTheDocument();
    expect(within(closed).getByText("The clinic is closed that day.")).toBeInTheDocument();
    expect(within(days.find((d) => d.dataset.day === addDays(monday, 6))!).getByText("No shift")).toBeInTheDocument();
    // Cancelled shifts do not count as hours.
    expect(screen.getAllByText("16 hours of work")).toHaveLength(1);
    expect(screen.getAllByText("8 hours of work")).toHaveLength(1);
    expect(asked!.get("staff_id")).toBe(PROVIDER_ID);
    expect(asked!.get("from")).toBe(zonedInstant(monday, "00:00", ZONE));
    expect(asked!.get("to")).toBe(zonedInstant(addDays(monday, 14), "00:00", ZONE));
  });

  it("shows a refused read", async () => {
    server.use(...signedInAs(provider), http.get("*/v1/shifts", () => problem(403, "forbidden")));
    renderAt("/provider/shifts", <Route path="/provider/shifts" element={<MyShifts />} />);
    expect(await screen.findByRole("alert")).toHaveTextContent(/not allowed/);
  });
});

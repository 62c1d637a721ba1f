import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { vi } from "vitest";

import { renderAt } from "../../../../test/render";
import { server } from "../../../../test/server";
import { accessToken } from "../../../../test/token";
import type { components } from "../../../api/schema";
import type { User } from "../../../auth/AuthProvider";
import { addDays, today } from "../../desk/zone";
import { adminRoutes } from "../routes";

beforeAll(async () => {
  await import("../AnalyticsPage");
}, 30_000);
vi.setConfig({ testTimeout: 40_000 });
configure({ asyncUtilTimeout: 10_000 });

type Row = components["schemas"]["SummaryRow"];
const CLINIC_ID = "11111111-1111-4111-8111-111111111111";
const PROVIDER_ID = "22222222-2222-4222-8222-222222222222";
const TYPE_ID = "55555555-5555-4555-8555-555555555555";
const ADMIN_ID = "66666666-6666-4666-8666-666666666666";
const ZONE = "Africa/Nairobi";
const TODAY = today(ZONE);

const admin: User = {
  id: ADMIN_ID,
  kind: "staff",
  full_name: "Grace Admin",
  phone: null,
  email: "clinic.admin@demo.clinic",
  date_of_birth: null,
  preferred_language: "en",
  consent: { sms: false, whatsapp: false },
  active: true,
  deactivated_at: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  memberships: [{ id: "m1", role: "clinic_admin", clinic_id: CLINIC_ID, specialty: null, granted_at: "2026-01-01T00:00:00Z" }],
};

function row(period: string, first_day: string, last_day: string, figures: Partial<Row> = {}): Row {
  return {
    period, first_day, last_day,
    booked: 0, cancelled: 0, cancelled_by_patient: 0, cancelled_by_clinic: 0, cancelled_24h_or_more_before: 0,
    cancelled_under_24h_before: 0, cancelled_after_start: 0, rescheduled: 0, completed: 0, no_shows: 0, no_show_rate: null,
    booked_minutes: 0, shift_minutes: 0, utilisation: null, average_lead_time_hours: null, walk_ins: 0, waitlist_fills: 0,
    reminders: 0, reminders_delivered: 0, reminder_delivery_rate: null, no_show_rate_reminder_delivered: null,
    no_show_rate_reminder_not_delivered: null, booked_online: 0, booked_offline: 0, conflicts_recorded: 0, conflicts_open: 0,
    conflicts_resolved_booked: 0, conflicts_resolved_waitlisted: 0, conflicts_resolved_cancelled: 0,
    ...figures,
  };
}

/** A summary by day over [from, to], its figures on the last day. */
function summary(from: string, to: string, figures: Partial<Row>) {
  const rows: Row[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    rows.push(row(day, day, day, day === to ? figures : {}));
  }
  return { clinic_id: CLINIC_ID, provider_id: null, type_id: null, period: "day", from, to, rows, totals: row("total", from, to, figures) };
}

const page = <T,>(items: T[]) => HttpResponse.json({ items, next_cursor: null });

function adminSession() {
  return [
    http.post("*/v1/auth/session/refresh", () =>
      HttpResponse.json({ access_token: accessToken(ADMIN_ID, [{ role: "clinic_admin", clinic_id: CLINIC_ID }]), token_type: "bearer", expires_in: 900 }),
    ),
    http.get("*/v1/me", () => HttpResponse.json(admin)),
    http.get("*/v1/notifications", () => page([])),
    http.get("*/v1/clinics", () =>
      page([{ id: CLINIC_ID, name: "Kibera Health Centre", time_zone: ZONE, address: null, phone: null, opening_hours: [], booking_policy: {}, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" }]),
    ),
    http.get("*/v1/users", () => page([{ ...admin, id: PROVIDER_ID, full_name: "Dr Peter Otieno" }])),
    http.get("*/v1/appointment-types", () => page([{ id: TYPE_ID, clinic_id: CLINIC_ID, name: "General consultation" }])),
  ];
}

/** Every summary asked for, by its query; this range's figures and the previous range's. */
function summaries(current: Partial<Row>, previous: Partial<Row>) {
  const asked: URLSearchParams[] = [];
  const handler = http.get("*/v1/reports/summary", ({ request }) => {
    const query = new URL(request.url).searchParams;
    asked.push(query);
    const from = query.get("from")!;
    const to = query.get("to")!;
    return HttpResponse.json(summary(from, to, to === TODAY ? current : previous));
  });
  return { asked, handler };
}

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  // Plural forms differ by language: compare the word, not its forms.
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, `${prefix}.${key.replace(/_(one|many|other)$/, "")}`));
}

it("has every string in English, Swahili and French", async () => {
  const { strings } = await import("../analytics/strings");
  const english = new Set(keys(strings.en));
  expect(new Set(keys(strings.sw))).toEqual(english);
  expect(new Set(keys(strings.fr))).toEqual(english);
});

describe("the analytics dashboard", () => {
  beforeEach(() => server.use(...adminSession()));

  it("shows the last four weeks' figures beside the four weeks before, the change in words", async () => {
    const { asked, handler } = summaries({ booked: 12, no_shows: 1, completed: 9, no_show_rate: 0.1 }, { booked: 10, no_shows: 1, completed: 19, no_show_rate: 0.05 });
    server.use(handler);
    renderAt("/admin/analytics", adminRoutes);

    const bookings = (await screen.findByRole("heading", { level: 3, name: "Bookings" })).closest("li")!;
    expect(within(bookings).getByTestId("figure-booked")).toHaveTextContent("12");
    expect(await within(bookings).findByText("+20 % on the previous 4 weeks")).toBeInTheDocument();
    expect(within(bookings).getByText("Previous 4 weeks: 10")).toBeInTheDocument();
    const rate = screen.getByRole("heading", { level: 3, name: "No-show rate" }).closest("li")!;
    expect(within(rate).getByTestId("figure-no_show_rate")).toHaveTextContent("10%");
    expect(within(rate).getByText("+5 percentage points on the previous 4 weeks")).toBeInTheDocument();
    const completed = screen.getByRole("heading", { level: 3, name: "Completed visits" }).closest("li")!;
    expect(within(completed).getByText("-53 % on the previous 4 weeks")).toBeInTheDocument();
    const noShows = screen.getByRole("heading", { level: 3, name: "No-shows" }).closest("li")!;
    expect(within(noShows).getByText("Same as the previous 4 weeks")).toBeInTheDocument();

    // The clinic admin's clinic, the last 28 days with today, and the 28 before.
    const ranges = asked.map((q) => [q.get("clinic"), q.get("period"), q.get("from"), q.get("to")]);
    expect(ranges).toContainEqual([CLINIC_ID, "day", addDays(TODAY, -27), TODAY]);
    expect(ranges).toContainEqual([CLINIC_ID, "day", addDays(TODAY, -55), addDays(TODAY, -28)]);
  });

  it("shows a chart's figures as a table, one row per day and the totals", async () => {
    server.use(summaries({ booked: 7, cancelled: 2, no_shows: 1 }, {}).handler);
    renderAt("/admin/analytics", adminRoutes);
    const user = userEvent.setup();
    const section = (await screen.findByRole("heading", { level: 2, name: "Bookings, cancellations and no-shows" })).closest("section")!;
    expect(within(section).getByText("Totals: Bookings 7, Cancellations 2, No-shows 1, Reschedules 0, Completed visits 0, Walk-ins 0, Waitlist fills 0.")).toBeInTheDocument();
    await user.click(within(section).getByRole("radio", { name: "Table" }));
    const table = within(section).getByRole("table", { name: "Bookings, cancellations and no-shows" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(1 + 28 + 1); // header, 28 days, totals
    const header = within(rows[0]!).getAllByRole("columnheader").map((cell) => cell.textContent);
    expect(header.slice(0, 4)).toEqual(["Period", "Bookings", "Cancellations", "No-shows"]);
    const last = within(rows[28]!).getAllByRole("cell").map((cell) => cell.textContent);
    expect(last.slice(0, 3)).toEqual(["7", "2", "1"]);
    expect(within(rows[29]!).getByRole("rowheader")).toHaveTextContent("Total");
    expect(within(rows[1]!).getAllByRole("cell")[0]).toHaveTextContent("0");
  });

  it("downloads the CSV of the filters shown, with the session's token", async () => {
    server.use(summaries({ booked: 3 }, {}).handler);
    let csvUrl: URL | null = null;
    let authorization: string | null = null;
    server.use(
      http.get("*/v1/reports/summary.csv", ({ request }) => {
        csvUrl = new URL(request.url);
        authorization = request.headers.get("Authorization");
        return new HttpResponse("period,first_day\n", {
          headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="summary-week-2026-11-02-2026-11-29.csv"' },
        });
      }),
    );
    const { createObjectURL, revokeObjectURL } = URL; // jsdom has none; the worker's next files share URL
    const saved: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      saved.push(blob);
      return "blob:csv";
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    try {
      const filters = `clinic=${CLINIC_ID}&provider=${PROVIDER_ID}&type=${TYPE_ID}&period=week&from=2026-11-02&to=2026-11-29`;
      renderAt(`/admin/analytics?${filters}`, adminRoutes);
      const user = userEvent.setup();
      await waitFor(() => expect(screen.getByLabelText("Provider")).toHaveValue(PROVIDER_ID)); // once the providers are read
      await user.click(await screen.findByRole("button", { name: "Download CSV" }));
      await waitFor(() => expect(names).toEqual(["summary-week-2026-11-02-2026-11-29.csv"]));
      const query = Object.fromEntries(csvUrl!.searchParams);
      expect(query).toEqual({ clinic: CLINIC_ID, provider: PROVIDER_ID, type: TYPE_ID, period: "week", from: "2026-11-02", to: "2026-11-29" });
      expect(authorization).toMatch(/^Bearer /);
      expect(await saved[0]!.text()).toBe("period,first_day\n");
    } finally {
      click.mockRestore();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
    }
  });
});

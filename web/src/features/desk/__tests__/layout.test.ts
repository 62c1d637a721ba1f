import { allowedMoves, buildColumns, placeBlocks, visibleRange } from "../layout";
import { addDays, dayStart, minutesInto, mondayOf, today, zonedInstant } from "../zone";
import { appointment, at, DAY, PROVIDER_ID, shift, ZONE } from "./fixtures";

describe("clinic-local days", () => {
  it("finds local midnight in the clinic's zone, whatever the device's", () => {
    expect(dayStart("2026-12-07", "Africa/Nairobi").toISOString()).toBe("2026-12-06T21:00:00.000Z");
    expect(dayStart("2026-03-29", "Europe/London").toISOString()).toBe("2026-03-29T00:00:00.000Z");
    // the day after the spring change starts an hour earlier in UTC
    expect(dayStart("2026-03-30", "Europe/London").toISOString()).toBe("2026-03-29T23:00:00.000Z");
    expect(zonedInstant("2026-03-29", 9 * 60, "Europe/London").toISOString()).toBe("2026-03-29T08:00:00.000Z");
  });

  it("counts minutes into a local day and walks the calendar", () => {
    expect(minutesInto("2026-12-07", "2026-12-07T09:30:00+03:00", "Africa/Nairobi")).toBe(570);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(mondayOf("2026-12-13")).toBe("2026-12-07");
    expect(mondayOf("2026-12-07")).toBe("2026-12-07");
    expect(today("Africa/Nairobi", new Date("2026-12-06T22:30:00Z"))).toBe("2026-12-07");
  });
});

describe("the day's columns", () => {
  it("gives each provider on shift a column with shift and break spans, leaving out other roles", () => {
    const columns = buildColumns(DAY, ZONE, [shift(), shift({ staff_id: "r", role: "receptionist", staff_name: "Desk" })], []);
    expect(columns).toHaveLength(1);
    expect(columns[0]).toMatchObject({ providerId: PROVIDER_ID, name: "Dr Peter Otieno", onLeave: false });
    expect(columns[0]!.shifts[0]).toMatchObject({ start: 480, end: 1020, cancelled: false });
    expect(columns[0]!.breaks).toEqual([{ start: 780, end: 840 }]);
  });

  it("keeps a provider with visits but no shift, and marks leave", () => {
    const columns = buildColumns(DAY, ZONE, [shift({ on_leave: true })], [appointment({ provider_id: "other" })], { other: "Dr Achieng" });
    expect(columns.map((c) => c.name)).toEqual(["Dr Achieng", "Dr Peter Otieno"]);
    expect(columns[1]!.onLeave).toBe(true);
    expect(columns[0]!.blocks[0]).toMatchObject({ start: 540, end: 560 });
  });

  it("puts overlapping visits side by side", () => {
    const a = appointment({ starts_at: at("09:00"), ends_at: at("09:30") });
    const b = appointment({ starts_at: at("09:15"), ends_at: at("09:45") });
    const c = appointment({ starts_at: at("10:00"), ends_at: at("10:20") });
    const blocks = placeBlocks([a, b, c].map((x) => ({ appointment: x, start: minutesInto(DAY, x.starts_at, ZONE), end: minutesInto(DAY, x.ends_at, ZONE) })));
    expect(blocks.map((bl) => [bl.lane, bl.lanes])).toEqual([[0, 2], [1, 2], [0, 1]]);
  });

  it("shows whole hours around everything, the current time included", () => {
    const columns = buildColumns(DAY, ZONE, [shift()], [appointment({ starts_at: at("18:10"), ends_at: at("18:30") })]);
    expect(visibleRange(columns, 7 * 60 + 20)).toEqual({ start: 420, end: 1140 });
  });
});

describe("the moves a status allows", () => {
  const now = new Date(`${addDays(DAY, 0)}T12:00:00+03:00`);
  it("offers check-in, reschedule and cancel for a booked visit, no-show once it is due", () => {
    expect(allowedMoves(appointment({ starts_at: at("15:00") }), now)).toEqual(["check-in", "reschedule", "cancel"]);
    expect(allowedMoves(appointment({ starts_at: at("09:00") }), now)).toEqual(["check-in", "reschedule", "cancel", "no-show"]);
  });
  it("offers only completion once checked in, and nothing after", () => {
    expect(allowedMoves(appointment({ status: "checked-in" }), now)).toEqual(["complete"]);
    expect(allowedMoves(appointment({ status: "fulfilled" }), now)).toEqual([]);
    expect(allowedMoves(appointment({ status: "cancelled" }), now)).toEqual([]);
    expect(allowedMoves(appointment({ status: "noshow" }), now)).toEqual([]);
  });
});

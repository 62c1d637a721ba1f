import { addDays, isoWeekday, mondayOf, startOfDay, zonedInstant } from "../days";

describe("clinic days", () => {
  it("moves across months and finds the week's Monday", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(isoWeekday("2026-12-07")).toBe(1);
    expect(mondayOf("2026-12-13")).toBe("2026-12-07");
    expect(mondayOf("2026-12-07")).toBe("2026-12-07");
  });

  it("gives a local midnight with the zone's offset, across clock changes", () => {
    expect(startOfDay("2026-12-07", "Africa/Nairobi")).toBe("2026-12-07T00:00:00+03:00");
    expect(startOfDay("2026-03-29", "Europe/London")).toBe("2026-03-29T00:00:00+00:00");
    expect(startOfDay("2026-03-30", "Europe/London")).toBe("2026-03-30T00:00:00+01:00");
    expect(zonedInstant("2026-03-29", "09:30", "Europe/London")).toBe("2026-03-29T09:30:00+01:00");
    expect(zonedInstant("2026-11-01", "08:00", "America/New_York")).toBe("2026-11-01T08:00:00-05:00");
    // 01:30 does not exist in London that night: it moves on by the hour skipped.
    expect(zonedInstant("2026-03-29", "01:30", "Europe/London")).toBe("2026-03-29T02:30:00+01:00");
  });
});

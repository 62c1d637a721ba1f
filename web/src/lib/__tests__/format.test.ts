import { afterEach, describe, expect, it, vi } from "vitest";

import { displayLocale, formatShortDate, formatTime } from "../format";

const AT = "2026-12-07T14:30:00Z"; // 17:30 in Nairobi

function deviceLanguages(...tags: string[]) {
  vi.spyOn(navigator, "languages", "get").mockReturnValue(tags);
}

afterEach(() => vi.restoreAllMocks());

describe("dates in the device's own variant of the app's language", () => {
  it("writes a Kenyan or British English device's day before its month, on a 24-hour clock", () => {
    deviceLanguages("en-KE", "sw");
    expect(displayLocale("en")).toBe("en-KE");
    expect(formatShortDate(AT, "Africa/Nairobi", "en")).toBe("Mon, 7 Dec");
    deviceLanguages("en-GB");
    expect(formatTime(AT, "Africa/Nairobi", "en")).toBe("17:30");
  });

  it("keeps an American device's order", () => {
    deviceLanguages("en-US");
    expect(formatShortDate(AT, "Africa/Nairobi", "en")).toBe("Mon, Dec 7");
    expect(formatTime(AT, "Africa/Nairobi", "en")).toBe("5:30 PM");
  });

  it("takes the app's language when the device has no variant of it", () => {
    deviceLanguages("en-GB");
    expect(displayLocale("fr")).toBe("fr");
    expect(formatShortDate(AT, "Africa/Nairobi", "fr")).toBe("lun. 7 déc.");
  });
});

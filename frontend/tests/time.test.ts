import { describe, expect, it } from "vitest";
import { parseTimestamp, relativeTime } from "@/lib/time";

const now = new Date(2026, 10, 26, 15, 0, 0); // local time
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;

describe("relative times", () => {
  it("says just now, minutes and hours", () => {
    expect(relativeTime(ago(10_000), now)).toBe("just now");
    expect(relativeTime(ago(2 * MIN), now)).toBe("2 min ago");
    expect(relativeTime(ago(59 * MIN), now)).toBe("59 min ago");
    expect(relativeTime(ago(3 * 60 * MIN + 5 * MIN), now)).toBe("3 h ago");
  });

  it("says yesterday for the previous local day, then the weekday, then the date", () => {
    const yesterday = new Date(2026, 10, 25, 23, 0, 0);
    expect(relativeTime(yesterday.toISOString(), now)).toBe("yesterday");
    const threeDays = new Date(2026, 10, 23, 12, 0, 0);
    expect(relativeTime(threeDays.toISOString(), now)).toBe(threeDays.toLocaleDateString(undefined, { weekday: "long" }));
    const march = new Date(2026, 2, 12, 12, 0, 0);
    expect(relativeTime(march.toISOString(), now)).toBe(march.toLocaleDateString(undefined, { day: "numeric", month: "short" }));
    const lastYear = new Date(2025, 2, 12, 12, 0, 0);
    expect(relativeTime(lastYear.toISOString(), now)).toContain("2025");
  });

  it("reads SQLite's timestamps without a zone as UTC, and RFC 3339 with one", () => {
    expect(parseTimestamp("2026-11-26 08:00:00").toISOString()).toBe("2026-11-26T08:00:00.000Z");
    expect(parseTimestamp("2026-11-26T08:00:00+01:00").toISOString()).toBe("2026-11-26T07:00:00.000Z");
    expect(parseTimestamp("2026-11-26T08:00:00.123456Z").getTime()).toBe(Date.UTC(2026, 10, 26, 8, 0, 0, 123));
  });

  it("gives nothing for a value that is not a time", () => {
    expect(relativeTime("soon", now)).toBe("");
  });
});

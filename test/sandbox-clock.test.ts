// The sandbox's stamp of the time: the instant Date would give, made once a millisecond.
import { afterEach, describe, expect, it, vi } from "vitest";
import { isoNow } from "../sandbox/clock.ts";

describe("isoNow", () => {
  afterEach(() => vi.useRealTimers());

  it("gives the ISO instant of the current millisecond, and a new one when the clock moves", () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-04T21:00:00.123Z") });
    expect(isoNow()).toBe("2026-12-04T21:00:00.123Z");
    expect(isoNow()).toBe("2026-12-04T21:00:00.123Z");
    vi.advanceTimersByTime(1);
    expect(isoNow()).toBe("2026-12-04T21:00:00.124Z");
    vi.setSystemTime(Date.parse("2027-01-01T00:00:00.000Z"));
    expect(isoNow()).toBe("2027-01-01T00:00:00.000Z");
  });
});

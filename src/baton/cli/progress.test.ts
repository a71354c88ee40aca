// The progress display: the live line's text, the periodic log line with API counters, the summary
// with objects per type, and a live line that log output prints above without garbling it.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SyncResult } from "../sync/syncer.js";
import { LiveLine } from "./live-line.js";
import { createLogger, SecretScrubber } from "./logger.js";
import { ProgressReporter } from "./progress.js";

function logs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "info",
    format: "json",
    scrubber: new SecretScrubber(),
    write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
  });
  return { lines, logger };
}

const counts = { resourceTypes: 5, resources: 286, entitlements: 36, grants: 1496 };
const stats = () => ({ calls: 32, retries: 2, rateLimited: 1 });

afterEach(() => {
  vi.useRealTimers();
});

describe("ProgressReporter", () => {
  it("logs phase, counts, rate and API counters every 5 s when not on a terminal", () => {
    vi.useFakeTimers();
    const { lines, logger } = logs();
    let now = 0;
    const p = new ProgressReporter({ logger, stats, now: () => now });
    p.update({ phase: "grants", counts, pages: 40 });
    now = 2_000;
    vi.advanceTimersByTime(5_000);
    p.stop();
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "sync: grants",
        phase: "grants",
        ...counts,
        pages: 40,
        rowsPerSecond: 912,
        apiCalls: 32,
        apiRetries: 2,
        rateLimited: 1,
      }),
    ]);
  });

  it("redraws one live line on a terminal and clears it at the end", () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const live = new LiveLine({ write: (t) => written.push(t), columns: 200 });
    const { lines, logger } = logs();
    let now = 0;
    const p = new ProgressReporter({ logger, live, stats, now: () => now });
    p.update({ phase: "entitlements", counts, pages: 10 });
    now = 75_000;
    vi.advanceTimersByTime(250);
    p.stop();
    expect(lines).toEqual([]);
    expect(written).toEqual([
      "\r\x1b[2Ksync entitlements: 286 resources · 36 entitlements · 1496 grants | 24 rows/s | 1:15 | 32 API calls (1×429)",
      "\r\x1b[2K",
    ]);
  });

  it("summarises objects per type, grants, duration, API calls, retries and 429s", () => {
    const { lines, logger } = logs();
    let now = 0;
    const p = new ProgressReporter({ logger, stats, now: () => now });
    p.retries = 3;
    now = 12_340;
    const result: SyncResult = { syncId: "s1", resumed: false, counts, warnings: [], pages: 88 };
    const text = p.summary(result, "sync.c1z", {
      resourcesByType: { group: 20, user: 250 },
      entitlementsByType: {},
      grantsByType: { group: 983 },
    });
    p.stop();
    expect(text).toBe(
      [
        "Synced into sync.c1z (sync s1) in 12.3 s",
        "  resource types 5",
        "  resources      286 (group 20, user 250)",
        "  entitlements   36",
        "  grants         1496 (group 983)",
        "  pages 88, retries 3, warnings 0",
        "  API calls 32, API retries 2, rate limited (429) 1",
        "",
      ].join("\n"),
    );
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "sync finished",
        apiCalls: 32,
        rateLimited: 1,
        seconds: 12.3,
      }),
    ]);
  });

  it("says while calls wait for the rate limit until when, and how long the sync waited in all", () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const live = new LiveLine({ write: (t) => written.push(t), columns: 300 });
    const { lines, logger } = logs();
    let now = Date.UTC(2026, 11, 2, 11, 0, 0);
    let waiting: { rateLimitWaitMs: number; rateLimitWaitingUntil?: number } = {
      rateLimitWaitMs: 48_000,
      rateLimitWaitingUntil: now + 23_000,
    };
    const withWait = () => ({ ...stats(), ...waiting });
    const p = new ProgressReporter({ logger, live, stats: withWait, now: () => now });
    p.update({ phase: "grants", counts, pages: 10 });
    vi.advanceTimersByTime(250);
    const until = new Date(now + 23_000);
    const hhmmss = [until.getHours(), until.getMinutes(), until.getSeconds()]
      .map((n) => String(n).padStart(2, "0"))
      .join(":");
    expect(written.at(-1)).toContain(
      `| 32 API calls (1×429) | waiting for the rate limit until ${hhmmss} (0:48 in all)`,
    );
    now += 30_000;
    waiting = { rateLimitWaitMs: 71_000 };
    vi.advanceTimersByTime(250);
    expect(written.at(-1)).toMatch(/\| 1:11 waiting for the rate limit$/);
    p.stop();
    const logged = new ProgressReporter({ logger, stats: withWait, now: () => now });
    waiting = { rateLimitWaitMs: 71_000, rateLimitWaitingUntil: now + 5_000 };
    logged.update({ phase: "grants", counts, pages: 10 });
    vi.advanceTimersByTime(5_000);
    const text = logged.summary(
      { syncId: "s", resumed: false, counts, warnings: [], pages: 1 },
      "f",
    );
    logged.stop();
    expect(lines[0]).toMatchObject({
      rateLimitWaitSeconds: 71,
      rateLimitWaitingUntil: new Date(now + 5_000).toISOString(),
    });
    expect(lines[1]).toMatchObject({ msg: "sync finished", rateLimitWaitSeconds: 71 });
    expect(text).toContain(
      "  API calls 32, API retries 2, rate limited (429) 1, waited for the rate limit 1:11\n",
    );
  });

  it("leaves out API counters when the connector keeps none", () => {
    const { logger } = logs();
    const p = new ProgressReporter({ logger });
    const text = p.summary({ syncId: "s", resumed: true, counts, warnings: [], pages: 1 }, "f");
    p.stop();
    expect(text).not.toContain("API calls");
    expect(text).toContain("(sync s, resumed)");
  });
});

describe("LiveLine", () => {
  it("prints other output above the status line and cuts the line to the terminal width", () => {
    const written: string[] = [];
    const line = new LiveLine({ write: (t) => written.push(t), columns: 30 });
    line.print("before\n");
    line.show("x".repeat(40));
    line.print("a log line\n");
    line.clear();
    line.clear();
    expect(written).toEqual([
      "before\n",
      `\r\x1b[2K${"x".repeat(28)}…`,
      `\r\x1b[2Ka log line\n${"x".repeat(28)}…`,
      "\r\x1b[2K",
    ]);
  });
});

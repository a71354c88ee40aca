// Benchmark harness: `npm run bench -- <scenario> [--json FILE]` (scenarios.ts lists them), and
// `npm run bench -- views [--c1z FILE] [--json FILE]` for the c1z views (see c1z-views.ts).
// Starts the simulator in this process, runs the real one-shot sync as a child process, and
// reports wall time (against the rate limit's floor for the calls made, when throttled), peak RSS,
// API calls against the strategy's minimum, time waited for the limit, 429s, rows/s, c1z size,
// and the machine's load (the benchmark machine is shared; a loaded run is not comparable).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../src/simulator/index.js";
import { runViews, type ViewResult } from "./c1z-views.js";
import { diffScenarios, runDiffScenario } from "./diff.js";
import { floorSeconds, minimumCalls, runSync, TOKEN_CALL } from "./measure.js";
import { LIMIT, type Scenario, scenarios, WINDOW_MS } from "./scenarios.js";

interface Result {
  scenario: string;
  users: number;
  groups: number;
  wall_s: number;
  peak_rss_mb: number;
  /** Every call the simulator served, token requests included. */
  api_calls: number;
  /** The fewest calls the sync's strategy needs (measure.ts). */
  min_api_calls: number;
  calls_by_endpoint: Record<string, number>;
  rate_limited: number;
  /** Calls beyond the minimum: retries or waste. */
  extra_calls: number;
  /** The client's retries by reason (they may never have reached the simulator). */
  retry_reasons: Record<string, number>;
  rows_per_s: number;
  c1z_bytes: number;
  /** Time the connector's calls waited for the rate limit (its summary), s. */
  rate_limit_wait_s?: number;
  /** Throttled only: calls that count against the limit (the API origin's), and their floor. */
  limited_calls?: number;
  floor_s?: number;
  other_client_calls?: number;
  /** 1-minute load average before and after the run (2 cores). */
  load_before: number;
  load_after: number;
}

// Count lines may end with a per-type breakdown, e.g. `grants  138017 (group 95907, …)`.
function rowsFromSummary(summary: string): number {
  let rows = 0;
  for (const m of summary.matchAll(
    /^\s+(?:resource types|resources|entitlements|grants)\s+(\d+)\b/gm,
  ))
    rows += Number(m[1]);
  return rows;
}

/** `waited for the rate limit 1:05` (or `1:02:03`) in the summary, in seconds. */
function waitedFromSummary(summary: string): number | undefined {
  const m = /waited for the rate limit (\d+(?::\d+)+)/.exec(summary);
  return m?.[1]?.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
}

async function runScenario(s: Scenario): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${s.name}-`));
  const others = s.otherClients ?? 0;
  const sim = await startSimulator({
    users: s.users,
    groups: s.groups,
    seed: 7,
    rateLimit: s.throttled ? { limit: LIMIT, windowMs: WINDOW_MS, otherClients: others } : false,
    ...(s.latencyMs > 0 ? { latencyMs: s.latencyMs } : {}),
  });
  try {
    const loadBefore = loadavg()[0] ?? 0;
    const figures = await runSync(sim, join(dir, "sync.c1z"), s);
    const loadAfter = loadavg()[0] ?? 0;
    const calls = Object.fromEntries([...sim.state.calls()].sort());
    const apiCalls = sim.state.totalCalls();
    const min = minimumCalls(sim, s);
    const waited = waitedFromSummary(figures.summary);
    const result: Result = {
      scenario: s.name,
      users: s.users,
      groups: s.groups,
      wall_s: round(figures.wallS),
      peak_rss_mb: round(figures.peakRssMb),
      api_calls: apiCalls,
      min_api_calls: min,
      calls_by_endpoint: calls,
      rate_limited: sim.state.rateLimited(),
      // Calls beyond what the strategy needs are retries (or waste): both count against 1.02.
      extra_calls: apiCalls - min,
      retry_reasons: figures.retryReasons,
      rows_per_s: Math.round(rowsFromSummary(figures.summary) / figures.wallS),
      c1z_bytes: figures.c1zBytes,
      ...(waited === undefined ? {} : { rate_limit_wait_s: waited }),
      load_before: round(loadBefore),
      load_after: round(loadAfter),
    };
    if (s.throttled) {
      const limited = apiCalls - (calls[TOKEN_CALL] ?? 0);
      result.limited_calls = limited;
      result.floor_s = floorSeconds(limited, LIMIT - others, WINDOW_MS);
      if (others > 0) result.other_client_calls = sim.otherClientCalls();
    }
    return result;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function viewsTable(results: ViewResult[]): string {
  const cells = [
    ["view", "output", "wall s", "peak RSS MB", "lines", "stdout bytes"],
    ...results.map((r) => [
      r.view,
      r.output,
      r.wall_s.toFixed(2),
      String(r.peak_rss_mb),
      String(r.lines),
      String(r.stdout_bytes),
    ]),
  ];
  return aligned(cells);
}

/** Columns padded to their widest cell. */
function aligned(cells: string[][]): string {
  const widths = (cells[0] ?? []).map((_, i) =>
    cells.reduce((w, row) => Math.max(w, (row[i] ?? "").length), 0),
  );
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")).join("\n");
}

function table(results: Result[]): string {
  const cols: [string, (r: Result) => string][] = [
    ["scenario", (r) => r.scenario],
    ["users", (r) => String(r.users)],
    ["groups", (r) => String(r.groups)],
    ["wall s", (r) => r.wall_s.toFixed(2)],
    ["floor s", (r) => (r.floor_s === undefined ? "" : r.floor_s.toFixed(0))],
    ["wall/floor", (r) => (r.floor_s ? (r.wall_s / r.floor_s).toFixed(3) : "")],
    ["waited s", (r) => (r.rate_limit_wait_s === undefined ? "" : String(r.rate_limit_wait_s))],
    ["peak RSS MB", (r) => r.peak_rss_mb.toFixed(0)],
    ["API calls", (r) => String(r.api_calls)],
    ["min calls", (r) => String(r.min_api_calls)],
    ["ratio", (r) => (r.api_calls / r.min_api_calls).toFixed(3)],
    ["429s", (r) => String(r.rate_limited)],
    ["rows/s", (r) => String(r.rows_per_s)],
    ["c1z bytes", (r) => String(r.c1z_bytes)],
    ["load", (r) => `${r.load_before.toFixed(1)}→${r.load_after.toFixed(1)}`],
  ];
  return aligned([cols.map(([h]) => h), ...results.map((r) => cols.map(([, f]) => f(r)))]);
}

const args = process.argv.slice(2);
const flagValue = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const jsonFile = flagValue("--json");
const name = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "small";
const diffs = diffScenarios[name];
if (name === "views") {
  const results = await runViews(flagValue("--c1z"));
  process.stdout.write(`${viewsTable(results)}\n`);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
if (diffs) {
  const results = [];
  for (const s of diffs) results.push(await runDiffScenario(s));
  process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
const chosen = scenarios[name];
if (!chosen) {
  process.stderr.write(
    `unknown scenario "${name}"; choose one of: ${[...Object.keys(scenarios), ...Object.keys(diffScenarios), "views"].join(", ")}\n`,
  );
  process.exit(2);
}
const results: Result[] = [];
for (const s of chosen) results.push(await runScenario(s));
process.stdout.write(`${table(results)}\n`);
if (jsonFile)
  writeFileSync(
    jsonFile,
    `${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`,
  );

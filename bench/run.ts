// Benchmark harness: `npm run bench -- <small|large|throttled|scaling|diff|diff-small> [--json FILE]`,
// and `npm run bench -- views [--c1z FILE] [--json FILE]` for the c1z views (see c1z-views.ts).
// Starts the simulator in this process, runs the real one-shot sync as a child process, and
// reports wall time, peak RSS, API calls against the minimum, 429s, retries, rows/s and c1z size.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../src/simulator/index.js";
import { runViews, type ViewResult } from "./c1z-views.js";
import { diffScenarios, runDiffScenario } from "./diff.js";
import { minimumCalls, runSync } from "./measure.js";
import { type Scenario, scenarios } from "./scenarios.js";

interface Result {
  scenario: string;
  users: number;
  groups: number;
  wall_s: number;
  peak_rss_mb: number;
  api_calls: number;
  min_api_calls: number;
  calls_by_endpoint: Record<string, number>;
  rate_limited: number;
  retries: number;
  rows_per_s: number;
  c1z_bytes: number;
  floor_s?: number;
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

async function runScenario(s: Scenario): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${s.name}-`));
  const sim = await startSimulator({
    users: s.users,
    groups: s.groups,
    seed: 7,
    rateLimit: s.throttled ? { limit: 600, windowMs: 60_000 } : false,
    ...(s.latencyMs > 0 ? { latencyMs: s.latencyMs } : {}),
  });
  try {
    const figures = await runSync(sim, join(dir, "sync.c1z"), s.workers, s.throttled);
    const calls = Object.fromEntries([...sim.state.calls()].sort());
    const apiCalls = sim.state.totalCalls();
    const min = minimumCalls(sim);
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
      // Calls beyond what the data needs are retries (or waste): both count against the 1.02 target.
      retries: Math.max(0, apiCalls - min),
      rows_per_s: Math.round(rowsFromSummary(figures.summary) / figures.wallS),
      c1z_bytes: figures.c1zBytes,
    };
    if (s.throttled) result.floor_s = round(min / 10);
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
    ["floor s", (r) => (r.floor_s === undefined ? "" : r.floor_s.toFixed(2))],
    ["peak RSS MB", (r) => r.peak_rss_mb.toFixed(0)],
    ["API calls", (r) => String(r.api_calls)],
    ["min calls", (r) => String(r.min_api_calls)],
    ["ratio", (r) => (r.api_calls / r.min_api_calls).toFixed(3)],
    ["429s", (r) => String(r.rate_limited)],
    ["rows/s", (r) => String(r.rows_per_s)],
    ["c1z bytes", (r) => String(r.c1z_bytes)],
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

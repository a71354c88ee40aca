// The `views` benchmark: wall time, peak RSS and output size of every `c1z FILE <view>` (console
// and JSON) on a 100,000-user sync, run as the built binary like a user would: the row views,
// and the review views `access` and `holders` (`diff` needs two syncs: `npm run bench -- diff`).
// The file is synced from the simulator first (the `large` tenant: 100,000 users, 5,000 groups,
// seed 7), or given with `--c1z FILE` to measure an existing one. Not part of CI.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { startSimulator } from "../src/simulator/index.js";
import { bin, measureChild, runSync } from "./measure.js";
import { SETUP_SYNC } from "./scenarios.js";

export interface ViewResult {
  view: string;
  output: "console" | "json";
  wall_s: number;
  peak_rss_mb: number;
  lines: number;
  stdout_bytes: number;
}

/** The views measured: every view, plus the filters the README shows. */
function views({ entitlementId, userId }: SampleIds): string[][] {
  return [
    ["stats"],
    ["syncs"],
    ["resource-types"],
    ["resources"],
    ["resources", "--resource-type", "user"],
    ["entitlements"],
    ["grants"],
    ["grants", "--resource-type", "group"],
    ["grants", "--entitlement", entitlementId],
    ["access", "--user", userId],
    ["holders", "--entitlement", entitlementId],
  ];
}

/** Syncs the `large` tenant into a new directory; returns the file (remove its directory after). */
async function syncLarge(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "bench-views-"));
  const sim = await startSimulator({ users: 100_000, groups: 5_000, seed: 7, rateLimit: false });
  try {
    const file = join(dir, "sync.c1z");
    await runSync(sim, file, SETUP_SYNC);
    return file;
  } finally {
    await sim.close();
  }
}

/** One view, measured; rejects when the binary fails. */
async function measureView(file: string, view: string[], json: boolean): Promise<ViewResult> {
  const args = [bin, "c1z", file, ...view, ...(json ? ["-o", "json"] : [])];
  const run = await measureChild(args, false);
  if (run.code !== 0)
    throw new Error(`${args.slice(1).join(" ")} exited ${run.code}: ${run.stderr}`);
  return {
    view: view.join(" "),
    output: json ? "json" : "console",
    wall_s: Math.round(run.wallS * 100) / 100,
    peak_rss_mb: Math.round(run.peakRssMb),
    lines: run.lines,
    stdout_bytes: run.stdoutBytes,
  };
}

/** Ids the filtered views name: a group's membership entitlement and one of its members. */
interface SampleIds {
  entitlementId: string;
  userId: string;
}

/** The entitlement and principal of the first group grant. */
async function sampleIds(file: string): Promise<SampleIds> {
  const reader = await C1zReader.open(file);
  try {
    for (const g of reader.iterateGrants({ resourceTypeId: "group" }, { pageSize: 1 }))
      return {
        entitlementId: g.entitlement?.id ?? "none",
        userId: g.principal?.id?.resource ?? "",
      };
    return { entitlementId: "none", userId: "none" };
  } finally {
    reader.close();
  }
}

/** Runs every view on `given` (or on a fresh 100,000-user sync). */
export async function runViews(given: string | undefined): Promise<ViewResult[]> {
  const file = given ?? (await syncLarge());
  try {
    process.stderr.write(`c1z views of ${file} (${statSync(file).size} bytes)\n`);
    const ids = await sampleIds(file);
    const results: ViewResult[] = [];
    for (const view of views(ids)) {
      for (const json of [false, true]) {
        const r = await measureView(file, view, json);
        process.stderr.write(`  ${r.view} (${r.output}): ${r.wall_s} s, ${r.peak_rss_mb} MB\n`);
        results.push(r);
      }
    }
    return results;
  } finally {
    if (!given) rmSync(join(file, ".."), { recursive: true, force: true });
  }
}

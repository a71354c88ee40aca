// The `diff` benchmark of issue 16: sync a tenant, change it through the simulator's API (locks,
// title changes, memberships added and removed, new users), sync again into the same file, then
// time `c1z FILE diff` (json and console) as a child process with its peak RSS.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caller, getToken, URN } from "../src/simulator/harness.js";
import { startSimulator } from "../src/simulator/index.js";
import { bin, measureChild, runSync } from "./measure.js";
import { SETUP_SYNC } from "./scenarios.js";

export interface DiffScenario {
  name: string;
  users: number;
  groups: number;
  /** Changes of each kind (lock, retitle, join, leave); a tenth as many new users. */
  changesPerKind: number;
}

export const diffScenarios: Record<string, DiffScenario[]> = {
  diff: [{ name: "diff-100k", users: 100_000, groups: 5_000, changesPerKind: 250 }],
  "diff-small": [{ name: "diff-1k", users: 1_000, groups: 50, changesPerKind: 10 }],
};

export interface DiffResult {
  scenario: string;
  users: number;
  c1z_bytes: number;
  changes_made: number;
  diff_json_wall_s: number;
  diff_json_peak_rss_mb: number;
  diff_console_wall_s: number;
  diff_console_peak_rss_mb: number;
  reported: Record<string, unknown>;
}

export async function runDiffScenario(s: DiffScenario): Promise<DiffResult> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${s.name}-`));
  const file = join(dir, "sync.c1z");
  const sim = await startSimulator({ users: s.users, groups: s.groups, seed: 7, rateLimit: false });
  try {
    await runSync(sim, file, SETUP_SYNC);
    const call = caller(sim, await getToken(sim));
    const users = sim.state.users().filter((u) => u.id !== sim.delegationUserId);
    const groups = sim.state.groups().map((g) => String(g.id));
    const patch = (path: string, value: unknown) => ({
      schemas: [URN.PATCH],
      Operations: [{ op: "replace", path, value }],
    });
    let made = 0;
    const n = s.changesPerKind;
    for (let i = 0; i < n; i++) {
      const u = (k: number) => String(users[(k * n + i) % users.length]?.id);
      const g = groups[i % groups.length] as string;
      const members = new Set(sim.state.groupMemberIds(g) ?? []);
      await call("PATCH", `/scim/v2/Users/${u(0)}`, patch("active", false));
      await call("PATCH", `/scim/v2/Users/${u(1)}`, patch("title", `Benchmark ${i}`));
      const joiner = users.find((x, k) => k >= 2 * n + i && !members.has(String(x.id)));
      if (joiner) await call("POST", `/scim/v2/Users/${joiner.id}/Groups/${g}`);
      const leaver = [...members][0];
      if (leaver) await call("DELETE", `/scim/v2/Users/${leaver}/Groups/${g}`);
      made += 2 + (joiner ? 1 : 0) + (leaver ? 1 : 0);
    }
    for (let i = 0; i < Math.ceil(n / 10); i++) {
      const name = `bench.new.${i}@example.com`;
      await call("POST", "/scim/v2/Users", {
        schemas: [URN.USER],
        userName: name,
        emails: [{ value: name, type: "work", primary: true }],
        userType: "Business",
      });
      made++;
    }
    await runSync(sim, file, SETUP_SYNC);
    const diff = (output: string) => measureChild([bin, "c1z", file, "diff", "-o", output]);
    const json = await diff("json");
    if (json.code !== 0) throw new Error(`diff failed: ${json.stderr}`);
    const text = await diff("console");
    if (text.code !== 0) throw new Error(`diff failed: ${text.stderr}`);
    const counts = (JSON.parse(json.stdout) as { counts: Record<string, unknown> }).counts;
    return {
      scenario: s.name,
      users: s.users,
      c1z_bytes: statSync(file).size,
      changes_made: made,
      diff_json_wall_s: round(json.wallS),
      diff_json_peak_rss_mb: round(json.peakRssMb),
      diff_console_wall_s: round(text.wallS),
      diff_console_peak_rss_mb: round(text.peakRssMb),
      reported: {
        resources: counts.resources,
        grants: counts.grants,
      },
    };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

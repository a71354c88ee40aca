// End to end: a sync killed (SIGKILL) in the middle of the user listing resumes with at most the
// API calls of a full sync, counted at the simulator, and ends with exactly the tenant's rows.
// The per-sync user directory (roles and licences of every user) is not in the c1z; the resumed
// run rebuilds it by fetching only the /Users pages before the one the listing resumes at,
// instead of paging /Users a second time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { seismicBin, start, waitFor } from "./helpers/run-bin.js";
import {
  apiCalls,
  callsSince,
  connectorFlags,
  runOk,
  TOKEN_CALL,
  targetOf,
} from "./helpers/seismic-e2e.js";
import { expectC1zMatchesSimulator, readC1z } from "./helpers/seismic-expect.js";

const USERS = 500;
const PAGE = 100;
// One call at a time and a slow API, so the kill lands inside the user listing.
const ARGS = ["--workers", "1", "--seismic-read-ahead", "0", "--checkpoint-interval-ms", "0"];
const USERS_CALL = "GET /scim/v2/Users";

describe("a sync killed in the user listing", () => {
  let sim: Simulator;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seismic-resume-"));
    sim = await startSimulator({
      users: USERS,
      groups: 2,
      seed: 3,
      rateLimit: false,
      latencyMs: 100,
    });
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("resumes with at most the calls of a full sync, and the tenant's rows", async () => {
    // What a full sync calls (seismic-sync-e2e.test.ts checks that it calls exactly this).
    const memberPages = sim.state
      .groups()
      .map((g) => sim.state.groupMemberIds(g.id as string)?.length ?? 0)
      .reduce((n, size) => n + Math.floor(size / PAGE) + 1, 0);
    // A full last page is followed by the empty page that confirms the end (listings are checked).
    const userPages = USERS / PAGE + 1;
    const fullSync = 1 + userPages + 1 + memberPages + 2;

    const target = targetOf(sim);
    const file = join(dir, "sync.c1z");
    const beforeKill = sim.state.calls();
    const killed = start(seismicBin, ["--file", file, ...ARGS, ...connectorFlags(target)], {
      BATON_LOG_LEVEL: "warn",
    });
    // Validate's probe plus 2 of the 5 pages served: the listing is mid-way.
    await waitFor(
      killed.output,
      () => (callsSince(beforeKill, sim.state.calls())[USERS_CALL] ?? 0) >= 3,
      "3 user pages",
    );
    killed.child.kill("SIGKILL");
    expect((await killed.done).signal).toBe("SIGKILL");
    const beforeResume = sim.state.calls();
    expect(callsSince(beforeKill, beforeResume)[USERS_CALL]).toBeLessThan(1 + userPages);

    const resumed = await runOk(target, ["--file", file, ...ARGS], { BATON_LOG_LEVEL: "warn" });
    expect(resumed.stdout).toContain("resumed");
    const again = new Map(Object.entries(callsSince(beforeResume, sim.state.calls())));
    // Each /Users page once (the listing's rest, and the directory's pages before it), no scan.
    expect(again.get(USERS_CALL)).toBe(1 + userPages);
    expect(again.get(TOKEN_CALL)).toBe(1);
    expect(apiCalls(again)).toBeLessThanOrEqual(fullSync);
    expectC1zMatchesSimulator(await readC1z(file), sim);
  });
});

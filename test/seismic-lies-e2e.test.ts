// End to end against a simulator that lies: the built binary never exits 0 with missing rows.
// Each paging lie that persists ends in exit 1 with one line naming the endpoint and what did not
// add up (and no file); each lie that stops when the listing is read again ends in a file that
// holds exactly the tenant; cut-off and non-JSON 200 bodies are asked for again (the message of a
// persistent one is tested with a virtual clock in src/seismic/request.test.ts: five real backoff
// waits would take 20 s here).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FaultOptions,
  type ListingLies,
  type Simulator,
  startSimulator,
} from "../src/simulator/index.js";
import { plainLines, runOk, runSeismic, targetOf } from "./helpers/seismic-e2e.js";
import { expectC1zMatchesSimulator, readC1z } from "./helpers/seismic-expect.js";

const TENANT = { seed: 5, users: 250, groups: 5 } as const;
const quiet = { BATON_LOG_LEVEL: "warn" };
/** The client-side limiter off: these runs are about correctness, not pacing. */
const ARGS = ["--seismic-rate-limit", "0"];

let dir: string;
const sims: Simulator[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seismic-lies-e2e-"));
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function tenant(lies?: ListingLies, faults?: FaultOptions): Promise<Simulator> {
  const sim = await startSimulator({
    ...TENANT,
    rateLimit: false,
    ...(lies ? { listingLies: lies } : {}),
    ...(faults ? { faults } : {}),
  });
  sims.push(sim);
  return sim;
}

let n = 0;
const fileFor = () => join(dir, `sync-${++n}.c1z`);

describe("a simulator whose paging lies every time", () => {
  it.each([
    [
      "a low totalResults on a page boundary",
      { totalResultsFactor: 0.8, on: ["users"] },
      "GET /scim/v2/Users did not add up, also when read again from the start: the page at startIndex 201 holds 50 items, past totalResults 200.",
    ],
    [
      "a page without Resources",
      { noResourcesAt: 101, on: ["users"] },
      "GET /scim/v2/Users did not add up, also when read again from the start: the page at startIndex 101 has no Resources although totalResults is 250.",
    ],
    [
      "ids repeated across pages",
      { duplicatesAcrossPages: 10, on: ["users"] },
      "GET /scim/v2/Users did not add up, also when read again from the start: 10 id(s) on the page at startIndex 101 were already listed",
    ],
    [
      "a server that ignores startIndex",
      { ignoreStartIndex: true, totalResults: 1_000_000, on: ["users"] },
      "GET /scim/v2/Users did not add up, also when read again from the start: the page at startIndex 101 repeats 100 ids already listed: the index did not advance.",
    ],
    [
      "a low member totalResults",
      { totalResultsFactor: 0.75, on: ["members"] },
      "GET /scim/v2/Groups/{groupId}/Users for group ",
    ],
  ] satisfies [string, ListingLies, string][])(
    "exits 1 naming the endpoint and the reason for %s",
    async (_, lies, reason) => {
      const sim = await tenant(lies);
      const file = fileFor();
      const r = await runSeismic(targetOf(sim), ["--file", file, ...ARGS], quiet);
      expect(r.code, r.stderr).toBe(1);
      const errors = plainLines(r.stderr).filter((l) => l.startsWith("error: "));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(reason);
      expect(errors[0]).toContain("did not add up, also when read again from the start");
      expect(existsSync(file)).toBe(false);
    },
  );
});

describe("a simulator whose paging lies only on the first read", () => {
  it("ends, after reading each lying listing again, with exactly the tenant's rows", async () => {
    const sim = await tenant({ totalResultsFactor: 0.8, noResourcesAt: 201, reads: 1 });
    const file = fileFor();
    await runOk(targetOf(sim), ["--file", file, ...ARGS], quiet);
    expectC1zMatchesSimulator(await readC1z(file), sim);
    const reads = sim.state.calls().get("GET /scim/v2/Users") ?? 0;
    // Validate, then every listing read twice at most: 3 + 3 user pages.
    expect(reads).toBeLessThanOrEqual(1 + 3 + 3);
  });
});

describe("cut-off and non-JSON 200 bodies", () => {
  it("asks again and ends with exactly the tenant's rows", async () => {
    const sim = await tenant(undefined, { seed: 4, truncateRate: 0.1, garbageRate: 0.05 });
    const file = fileFor();
    const r = await runOk(targetOf(sim), ["--file", file, ...ARGS], { BATON_LOG_LEVEL: "info" });
    expectC1zMatchesSimulator(await readC1z(file), sim);
    expect(r.stderr).toContain('"reason":"malformed body"');
  });
});

// End to end with the built binary: a SIGKILL after the last Seismic call (the sync ended, the
// c1z not yet written) is followed by a run that makes 0 Seismic calls and leaves a file with
// exactly one finished sync holding the tenant; a sync killed halfway and resumed reports each
// row once; a sync refused at Validate leaves no working database behind.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { workingDbPath } from "../src/baton/c1z/working-db.js";
import type { Connector } from "../src/baton/connector.js";
import { type RunningServer, startServer } from "../src/baton/server.js";
import { createSeismicConnector } from "../src/connector/seismic-connector.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { seismicBin, start, waitFor } from "./helpers/run-bin.js";
import {
  apiCalls,
  callsSince,
  connectorFlags,
  runOk,
  runSeismic,
  targetOf,
} from "./helpers/seismic-e2e.js";
import { expectC1zMatchesSimulator, readC1z } from "./helpers/seismic-expect.js";

const quiet = { BATON_LOG_LEVEL: "warn" };

let dir: string;
const closers: (() => Promise<void>)[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seismic-save-e2e-"));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

async function tenant(options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const sim = await startSimulator({ seed: 8, users: 180, groups: 6, ...options });
  closers.push(() => sim.close());
  return sim;
}

/** The total and the per-type parts of one line of the summary, e.g. `resources 410 (a 3, b 7)`. */
function summaryLine(stdout: string, what: string): { total: number; parts: number } {
  const m = new RegExp(`^\\s*${what}\\s+(\\d+)(?: \\((.*)\\))?$`, "m").exec(stdout);
  if (!m) throw new Error(`no "${what}" line in:\n${stdout}`);
  const parts = (m[2] ?? "")
    .split(", ")
    .filter((p) => p !== "")
    .reduce((n, p) => n + Number(p.split(" ").at(-1)), 0);
  return { total: Number(m[1]), parts };
}

describe("a kill after the last Seismic call", () => {
  it("is finished by a run that makes 0 Seismic calls, into a file with one finished sync", async () => {
    const sim = await tenant();
    const target = targetOf(sim);
    // The Seismic connector served from this process, so the test knows when the sync is past
    // its last call: Cleanup comes after the sync has ended and before the c1z is written.
    const connector = createSeismicConnector({
      ...target,
      tenant: sim.tenant,
      deleteMode: "deactivate",
      rateLimit: 0,
    });
    let reached: () => void = () => {};
    const inCleanup = new Promise<void>((r) => {
      reached = r;
    });
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const served: Connector = {
      ...connector,
      cleanup: async (ctx) => {
        reached();
        await held;
        await connector.cleanup?.(ctx);
      },
    };
    const server: RunningServer = await startServer({
      connector: served,
      listen: "127.0.0.1:0",
    });
    closers.push(async () => {
      release();
      await server.close(false);
      await connector.close();
    });

    const file = join(dir, "killed.c1z");
    const child = start(
      seismicBin,
      [
        "--file",
        file,
        "--connector-addr",
        `127.0.0.1:${server.address.port}`,
        ...connectorFlags(target),
      ],
      quiet,
    );
    await inCleanup;
    child.child.kill("SIGKILL");
    const dead = await child.done;
    expect(dead.signal).toBe("SIGKILL");
    expect(existsSync(file)).toBe(false);
    expect(existsSync(workingDbPath(file))).toBe(true);
    release();

    const before = sim.state.calls();
    const finished = await runOk(target, ["--file", file], quiet);
    expect(callsSince(before, sim.state.calls())).toEqual({});
    expect(finished.stdout).toContain(", resumed)");
    expect(existsSync(workingDbPath(file))).toBe(false);

    const reader = await C1zReader.open(file);
    try {
      expect(reader.syncs().map((s) => ({ type: s.type, ended: s.endedAt !== undefined }))).toEqual(
        [{ type: "full", ended: true }],
      );
    } finally {
      reader.close();
    }
    expectC1zMatchesSimulator(await readC1z(file), sim);
  });
});

describe("a sync killed halfway and resumed", () => {
  it("reports each row once: totals equal their parts and the file", async () => {
    const sim = await tenant({ latencyMs: 15 });
    const target = targetOf(sim);
    const file = join(dir, "resumed.c1z");
    const args = ["--file", file, "--checkpoint-interval-ms", "0", "--seismic-rate-limit", "0"];
    const child = start(seismicBin, [...args, ...connectorFlags(target)], quiet);
    // Past the user pages and into the member pages of the grants phase.
    await waitFor(
      child.output,
      () => (sim.state.calls().get("GET /scim/v2/Groups/{id}/Users") ?? 0) >= 3,
      "three member pages",
    );
    child.child.kill("SIGKILL");
    expect((await child.done).signal).toBe("SIGKILL");

    const resumed = await runOk(target, args, quiet);
    expect(resumed.stdout).toContain(", resumed)");
    const resources = summaryLine(resumed.stdout, "resources");
    const grants = summaryLine(resumed.stdout, "grants");
    expect(resources.total).toBe(resources.parts);
    expect(grants.total).toBe(grants.parts);
    const content = await readC1z(file);
    expect(resources.total).toBe(content.resources.length);
    expect(grants.total).toBe(content.grants.length);
    expectC1zMatchesSimulator(content, sim);
  });
});

describe("a sync refused at Validate", () => {
  it("leaves no working database and no file behind", async () => {
    const sim = await tenant();
    const file = join(dir, "refused.c1z");
    const before = apiCalls(sim.state.calls());
    const r = await runSeismic(
      targetOf(sim, { clientSecret: "wrong-secret" }),
      ["--file", file],
      quiet,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*Validate/m);
    expect(apiCalls(sim.state.calls())).toBe(before);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(workingDbPath(file))).toBe(false);
  });
});

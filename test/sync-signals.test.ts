// SIGTERM and SIGINT in a one-shot sync of the built binary, against the simulator behind a
// proxy that stops answering mid-sync: the sync makes no further call, stores what it fetched
// with its checkpoint, says in one line that it will resume, exits 143 / 130, and the next run
// resumes to the simulator's full data. Also as PID 1 of a new PID namespace (`unshare -fp
// --mount-proc`), where the kernel drops a signal the process has no handler for, as in a
// container without an init. A partial sync (`--sync-resources`) stopped the same way leaves the
// file as it was and no working database behind.
import { type ChildProcess, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type RunResult, seismicBin, startCommand, waitFor } from "./helpers/run-bin.js";
import { connectorFlags, plainLines, runOk, targetOf } from "./helpers/seismic-e2e.js";

/**
 * Forwards to the simulator until `hold()`; from then on every request is kept open unanswered
 * (a membership page that never comes back), and counted.
 */
async function startHoldingProxy(target: string) {
  let holding = false;
  let held = 0;
  let passed = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (holding) {
      held++;
      return;
    }
    passed++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === "string" && !["host", "connection", "content-length"].includes(k))
            headers[k] = v;
        const upstream = await fetch(`${target}${req.url ?? "/"}`, {
          method: req.method ?? "GET",
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "application/json",
        });
        res.end(body);
      } catch {
        res.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    passed: () => passed,
    held: () => held,
    hold: () => {
      holding = true;
    },
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

type Proxy = Awaited<ReturnType<typeof startHoldingProxy>>;

let sim: Simulator;
let dir: string;
let proxy: Proxy;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sim = await startSimulator({ users: 150, groups: 8, seed: 5, rateLimit: false });
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "sync-signals-"));
  proxy = await startHoldingProxy(sim.apiUrl);
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Spawns `command args` with quiet JSON logs; killed after the test if still running. */
function spawnCollect(command: string, args: string[]) {
  const started = startCommand(command, args, {
    BATON_LOG_LEVEL: "warn",
    BATON_LOG_FORMAT: "json",
  });
  children.push(started.child);
  return started;
}

/** The sync's arguments: the simulator behind the proxy, into `file`. */
function syncArgs(file: string): string[] {
  // One call in flight: once it is held, nothing else calls until the signal.
  return [
    "--file",
    file,
    "--workers",
    "1",
    ...connectorFlags(targetOf(sim, { apiUrl: proxy.url })),
  ];
}

/** Waits until the sync is in its grants phase, then holds every further call. */
async function holdMidSync(): Promise<void> {
  // Validate, 2 user pages, 1 group page and the Reporting roles are 5 calls (the token goes to
  // the auth origin, not through the proxy): past 7 the sync is in its grants phase.
  await waitFor(
    () => ({ stdout: String(proxy.passed()), stderr: "" }),
    () => proxy.passed() >= 7,
    "the sync to list members",
    60_000,
  );
  proxy.hold();
  await waitFor(
    () => ({ stdout: String(proxy.held()), stderr: "" }),
    () => proxy.held() > 0,
    "a held call",
    60_000,
  );
  // Under the rate limit pages are also read ahead, several at once: with every call held, their
  // number stops growing once the sync has nothing more it may send. Only then is "no call after
  // the signal" a claim about the signal rather than about calls already on their way.
  let last = -1;
  let steadySince = Date.now();
  await waitFor(
    () => ({ stdout: String(proxy.held()), stderr: "" }),
    () => {
      const held = proxy.held();
      if (held !== last) {
        last = held;
        steadySince = Date.now();
      }
      return Date.now() - steadySince >= 1_000;
    },
    "the held calls to stop growing",
    60_000,
  );
}

/** Asserts the interrupted run's exit and its one line, and what it left for the resume. */
function expectInterrupted(
  r: RunResult,
  file: string,
  signal: "SIGTERM" | "SIGINT",
  heldAtSignal: number,
) {
  expect(r.code, r.stderr).toBe(signal === "SIGTERM" ? 143 : 130);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  const record = JSON.parse(lines[0] ?? "{}") as { msg: string; signal: string; level: number };
  expect(record.msg).toBe(
    `sync interrupted by ${signal}: what was fetched is stored; the next run with the same --file resumes where this one stopped`,
  );
  expect(record.signal).toBe(signal);
  expect(plainLines(r.stderr)).toEqual([]);
  // No call after the signal: the held ones were cancelled, none was added.
  expect(proxy.held()).toBe(heldAtSignal);
  // The working database holds the users fetched before the signal, with a checkpoint.
  const workingDb = `${file}.work.sqlite`;
  expect(statSync(workingDb).mode & 0o777).toBe(0o600);
  const db = new DatabaseSync(workingDb, { readOnly: true });
  try {
    const users = db
      .prepare("select count(*) as n from v1_resources where resource_type_id = 'user'")
      .get();
    expect(Number(users?.n)).toBe(150);
    const run = db.prepare("select sync_token, ended_at from v1_sync_runs").get();
    expect(String(run?.sync_token)).not.toBe("");
    expect(run?.ended_at).toBeNull();
  } finally {
    db.close();
  }
}

/** The next run resumes and ends with every membership the simulator holds. */
async function expectResumes(file: string): Promise<void> {
  const resumed = await runOk(targetOf(sim), ["--file", file, "--log-level", "warn"]);
  expect(resumed.stdout).toMatch(/, resumed\) in /);
  expect(resumed.stdout).toMatch(
    new RegExp(`grants\\s+\\d+ \\(group ${sim.state.membershipCount()},`),
  );
  expect(readFileSync(file).subarray(0, 4).toString()).toBe("C1ZF");
}

describe("a one-shot sync stopped by a signal", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal}: stops calling Seismic, keeps what it fetched, says so once and exits ${signal === "SIGTERM" ? 143 : 130}`, async () => {
      const file = join(dir, "sync.c1z");
      const sync = spawnCollect(process.execPath, [seismicBin, ...syncArgs(file)]);
      await holdMidSync();
      const heldAtSignal = proxy.held();
      sync.child.kill(signal);
      expectInterrupted(await sync.done, file, signal, heldAtSignal);
      if (signal === "SIGTERM") await expectResumes(file);
    });
  }
});

describe("a partial sync stopped by a signal", () => {
  it("SIGTERM: exits 143 with one line, the file as it was and no working database left", async () => {
    const file = join(dir, "sync.c1z");
    await runOk(targetOf(sim), ["--file", file, "--log-level", "warn"]);
    const before = readFileSync(file);
    const group = String(sim.state.groups()[0]?.id);
    // Every call of the partial sync is held: it is mid-call when the signal comes.
    proxy.hold();
    const partial = spawnCollect(process.execPath, [
      seismicBin,
      ...syncArgs(file),
      "--sync-resources",
      `group:${group}`,
    ]);
    await waitFor(
      () => ({ stdout: String(proxy.held()), stderr: "" }),
      () => proxy.held() > 0,
      "a held call",
      60_000,
    );
    partial.child.kill("SIGTERM");
    const r = await partial.done;
    expect(r.code, r.stderr).toBe(143);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      signal: "SIGTERM",
      msg: "partial sync interrupted by SIGTERM: nothing was stored; --file is as it was",
    });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}.work.sqlite`)).toBe(false);
  });
});

const canUnshare =
  process.platform === "linux" &&
  spawnSync("unshare", ["-fp", "--mount-proc", "true"], { stdio: "ignore" }).status === 0;

describe.skipIf(!canUnshare)("as PID 1 of a PID namespace (a container without an init)", () => {
  it("SIGTERM still stops the sync cleanly with 143", async () => {
    const file = join(dir, "sync.c1z");
    const sync = spawnCollect("unshare", [
      "-fp",
      "--mount-proc",
      process.execPath,
      seismicBin,
      ...syncArgs(file),
    ]);
    await holdMidSync();
    // unshare forks; its child, the binary, is PID 1 in the new namespace.
    const unsharePid = sync.child.pid ?? 0;
    const binaryPid = Number(
      readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, "utf8")
        .trim()
        .split(/\s+/)[0],
    );
    expect(readFileSync(`/proc/${binaryPid}/status`, "utf8")).toMatch(/^NSpid:\s+\d+\s+1$/m);
    const heldAtSignal = proxy.held();
    process.kill(binaryPid, "SIGTERM");
    expectInterrupted(await sync.done, file, "SIGTERM", heldAtSignal);
  });
});

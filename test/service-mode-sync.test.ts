// Sync tasks in service mode, with the built binary against the fake ConductorOne and a simulated
// tenant: the first heartbeat before any connector work, the upload (chunks, SHA-256, resets),
// FinishTask after it, the uploaded c1z equal row for row to a one-shot `--file` sync, the task
// options (resources only, resource types, targeted resources giving a partial sync, the same as
// a one-shot `--sync-resources`), cancellation, a failing sync, no temp file left, and SIGTERM.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { c1zRows, c1zSyncRuns, rowsAsObject, type TableRows } from "./helpers/c1z-rows.js";
import { type FakeC1, startFakeC1, type TaskInit } from "./helpers/fake-c1/index.js";
import { runOk, targetOf } from "./helpers/seismic-e2e.js";
import { type ServiceProcess, startService } from "./helpers/service-mode.js";

/** Rows of `rows` whose key satisfies `keep`, per table. */
function only(rows: TableRows, keep: (table: string, key: string) => boolean) {
  return rowsAsObject(
    Object.fromEntries(
      Object.entries(rows).map(([t, m]) => [t, new Map([...m].filter(([k]) => keep(t, k)))]),
    ) as TableRows,
  );
}

describe("sync tasks in service mode", () => {
  let sim: Simulator;
  let fake: FakeC1;
  let service: ServiceProcess;
  let dir: string;
  let tempDir: string;
  let oneShot: TableRows;
  /** Simulator API calls (all endpoints) at each task's first heartbeat. */
  const callsAtFirstBeat = new Map<string, number>();
  const cancelAt = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "service-sync-"));
    tempDir = join(dir, "tmp");
    mkdirSync(tempDir);
    sim = await startSimulator({ seed: 7, users: 60, groups: 6, rateLimit: false });
    fake = await startFakeC1({
      heartbeat: (taskId, n) =>
        n >= (cancelAt.get(taskId) ?? Number.POSITIVE_INFINITY)
          ? { cancelled: true }
          : { nextHeartbeatMs: 1000 },
      onHeartbeat: (req, n) => {
        if (n === 1) callsAtFirstBeat.set(req.taskId, sim.state.totalCalls());
      },
    });
    const file = join(dir, "one-shot.c1z");
    await runOk(targetOf(sim), ["--file", file], { BATON_LOG_LEVEL: "warn" });
    oneShot = c1zRows(file);
    service = startService(fake, sim, ["--c1z-temp-dir", tempDir]);
    await service.waitForLog(/accepted Hello/);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await fake?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Queues a sync task and waits for its FinishTask; returns it and the saved upload. */
  async function syncOnce(syncFull: Record<string, unknown>, prepare?: (id: string) => void) {
    const id = fake.taskId();
    prepare?.(id);
    const before = sim.state.totalCalls();
    fake.enqueue({ task: { id, taskType: { case: "syncFull", value: syncFull } } as TaskInit });
    await fake.waitFor(
      () => fake.finishes.some((f) => f.request.taskId === id),
      `FinishTask of ${id}`,
      30_000,
    );
    const finish = fake.finishes.find((f) => f.request.taskId === id);
    const uploads = fake.uploads.filter((u) => u.taskId === id);
    const last = uploads.at(-1);
    let file: string | undefined;
    if (last && !last.reset) {
      file = join(dir, `${id}.c1z`);
      writeFileSync(file, last.bytes);
    }
    return { id, before, finish, uploads, file };
  }

  it("a full sync: first heartbeat before connector work, upload, then FinishTask{success{}}", async () => {
    const s = await syncOnce({ skipExpandGrants: true });
    expect(fake.violations).toEqual([]);
    // Nothing was asked of the tenant before the first heartbeat.
    expect(callsAtFirstBeat.get(s.id)).toBe(s.before);
    const calls = fake.calls.filter((c) => (c.request as { taskId?: string }).taskId === s.id);
    expect(calls[0]?.method).toBe("Heartbeat");
    expect(s.uploads).toHaveLength(1);
    const upload = s.uploads[0];
    expect(upload?.checksumOk).toBe(true);
    expect(upload?.hostId).toBe(fake.hellos[0]?.hostId);
    expect(upload?.bytes.subarray(0, 5).toString("latin1")).toBe("C1ZF\0");
    expect(s.finish?.t).toBeGreaterThan(upload?.t ?? Number.POSITIVE_INFINITY);
    expect(s.finish?.request.finalState.case).toBe("success");
    expect(s.finish?.request.finalState.value).toMatchObject({ annotations: [] });
    expect(
      s.finish?.request.finalState.case === "success" && s.finish.request.finalState.value.response,
    ).toBeFalsy();
    expect(s.finish?.request.status).toBeUndefined();
    // Exactly one finished full sync, row for row the one-shot sync of the same tenant.
    const file = s.file ?? "";
    expect(c1zSyncRuns(file).map((r) => [r.type, r.finished])).toEqual([["full", true]]);
    expect(rowsAsObject(c1zRows(file))).toEqual(rowsAsObject(oneShot));
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it("skip_entitlements_and_grants gives a resources_only sync of every resource", async () => {
    const s = await syncOnce({ skipEntitlementsAndGrants: true });
    const file = s.file ?? "";
    expect(c1zSyncRuns(file).map((r) => r.type)).toEqual(["resources_only"]);
    expect(rowsAsObject(c1zRows(file))).toEqual(
      only(oneShot, (t) => t === "resources" || t === "resource_types"),
    );
  });

  it("sync_resource_type_ids syncs only those types", async () => {
    const s = await syncOnce({ syncResourceTypeIds: ["group"] });
    const rows = c1zRows(s.file ?? "");
    expect([...rows.resource_types.keys()]).toEqual(["group"]);
    // Grants to principals of types not synced (users) are dropped, as the Go syncer drops them.
    const groupOnly = (t: string, k: string) =>
      t === "resource_types"
        ? k === "group"
        : t === "grants"
          ? k.startsWith("group:") && k.split(":")[3] === "group"
          : k.startsWith("group:");
    expect(rowsAsObject(rows)).toEqual(only(oneShot, groupOnly));
    expect(rows.entitlements.size).toBeGreaterThan(0);
  });

  describe("targeted resources", () => {
    let group = "";
    let user = "";
    let partial: TableRows;

    beforeAll(async () => {
      // A group with members and a user, by their c1z keys.
      const withMembers = [...oneShot.grants.keys()].find((k) => k.startsWith("group:")) ?? "";
      group = withMembers.split(":").slice(0, 2).join(":");
      user = [...oneShot.resources.keys()].find((k) => k.startsWith("user:")) ?? "";
      const [gType, gId] = group.split(":");
      const [uType, uId] = user.split(":");
      const s = await syncOnce({
        targetedSyncResources: [
          { id: { resourceType: gType, resource: gId } },
          { id: { resourceType: uType, resource: uId } },
        ],
      });
      const file = s.file ?? "";
      const runs = c1zSyncRuns(file);
      expect(runs.map((r) => [r.type, r.parent, r.finished])).toEqual([["partial", "", true]]);
      partial = c1zRows(file);
    });

    it("give a partial sync of just those resources, their entitlements and grants", () => {
      expect(group).toMatch(/^group:/);
      const mine = (t: string, k: string) =>
        t === "resource_types" ||
        (t === "resources" && (k === group || k === user)) ||
        ((t === "entitlements" || t === "grants") && k.startsWith(`${group}:`));
      expect(rowsAsObject(partial)).toEqual(only(oneShot, mine));
      expect(partial.grants.size).toBeGreaterThan(0);
    });

    it("equal to a one-shot --sync-resources into a new file", async () => {
      const file = join(dir, "targeted.c1z");
      const r = await runOk(
        targetOf(sim),
        ["--file", file, "--sync-resources", `${group},${user}`],
        {
          BATON_LOG_LEVEL: "warn",
        },
      );
      expect(r.stdout).toMatch(/^Partial sync \w{27} of 2 resource\(s\) into /);
      expect(c1zSyncRuns(file).map((x) => [x.type, x.finished])).toEqual([["partial", true]]);
      expect(rowsAsObject(c1zRows(file))).toEqual(rowsAsObject(partial));
    });

    it("a one-shot --sync-resources into an existing file adds a partial run whose parent is its full sync", async () => {
      const file = join(dir, "existing.c1z");
      await runOk(targetOf(sim), ["--file", file], { BATON_LOG_LEVEL: "warn" });
      const [full] = c1zSyncRuns(file);
      const [, gId] = group.split(":");
      await runOk(targetOf(sim), ["--file", file, "--sync-resources", `bid:r:group/${gId}`], {
        BATON_LOG_LEVEL: "warn",
      });
      const runs = c1zSyncRuns(file);
      expect(runs.map((x) => [x.type, x.parent])).toEqual([
        ["full", ""],
        ["partial", full?.syncId],
      ]);
    });
  });

  it("an upload broken off on attempt 1 is sent again in full, then FinishTask", async () => {
    const s = await syncOnce({}, (id) => fake.uploadResets.set(id, 1));
    expect(s.uploads.map((u) => [u.reset, u.checksumOk])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(s.finish?.request.finalState.case).toBe("success");
    expect(s.finish?.t).toBeGreaterThan(s.uploads[1]?.t ?? Number.POSITIVE_INFINITY);
    expect(rowsAsObject(c1zRows(s.file ?? ""))).toEqual(rowsAsObject(oneShot));
  });

  it("a failing sync finishes with its gRPC code and a readable message, retryable", async () => {
    const s = await syncOnce({ syncResourceTypeIds: ["nope"] });
    expect(s.uploads).toHaveLength(0);
    expect(s.finish?.request.status?.code).toBe(Code.InvalidArgument);
    expect(s.finish?.request.status?.message).toMatch(/types the connector does not have: nope/);
    expect(s.finish?.request.finalState).toMatchObject({
      case: "error",
      value: { nonRetryable: false },
    });
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it("without --provisioning a grant task fails non-retryably and touches nothing", async () => {
    const id = fake.taskId();
    const before = sim.state.totalCalls();
    fake.enqueue({
      task: {
        id,
        taskType: {
          case: "grant",
          value: {
            entitlement: {
              id: "group:x:member",
              resource: { id: { resourceType: "group", resource: "x" } },
            },
            principal: { id: { resourceType: "user", resource: "y" } },
          },
        },
      } as TaskInit,
    });
    await fake.waitFor(() => fake.finishes.some((f) => f.request.taskId === id), "FinishTask");
    const finish = fake.finishes.find((f) => f.request.taskId === id);
    expect(finish?.request.status?.code).toBe(Code.FailedPrecondition);
    expect(finish?.request.status?.message).toMatch(/provisioning is not enabled/);
    expect(finish?.request.finalState).toMatchObject({ value: { nonRetryable: true } });
    expect(sim.state.totalCalls()).toBe(before);
  });

  it("heartbeat cancelled=true stops the sync: FinishTask Canceled, retryable, no upload", async () => {
    // Every tenant call now takes 8 s, so only a cancellation can end the sync soon.
    sim.setFaults({ slowRate: 1, slowMs: 8000 });
    try {
      const s = await syncOnce({}, (id) => cancelAt.set(id, 2));
      const beats = fake.calls.filter(
        (c) => c.method === "Heartbeat" && (c.request as { taskId: string }).taskId === s.id,
      );
      expect(beats).toHaveLength(2);
      expect((beats[1]?.t ?? 0) - (beats[0]?.t ?? 0)).toBeGreaterThanOrEqual(950);
      expect((s.finish?.t ?? 0) - (beats[1]?.t ?? 0)).toBeLessThan(5000);
      expect(s.uploads).toHaveLength(0);
      expect(s.finish?.request.status?.code).toBe(Code.Canceled);
      expect(s.finish?.request.status?.message).toBe("the sync was cancelled by ConductorOne");
      expect(s.finish?.request.finalState).toMatchObject({ value: { nonRetryable: false } });
      expect(readdirSync(tempDir)).toEqual([]);
    } finally {
      sim.setFaults(undefined);
    }
  });

  it("SIGTERM during a sync reports it Canceled and exits 0", async () => {
    sim.setFaults({ slowRate: 1, slowMs: 8000 });
    try {
      const id = fake.taskId();
      fake.enqueue({ task: { id, taskType: { case: "syncFull", value: {} } } as TaskInit });
      await fake.waitFor(() => (fake.beats.get(id) ?? 0) >= 1, "the sync's first heartbeat");
      const r = await service.stop();
      expect(r.code, r.stderr).toBe(0);
      const finish = fake.finishes.find((f) => f.request.taskId === id);
      expect(finish?.request.status?.code).toBe(Code.Canceled);
      expect(finish?.request.status?.message).toMatch(/shutting down \(SIGTERM\)/);
      expect(finish?.request.finalState).toMatchObject({ value: { nonRetryable: false } });
      expect(readdirSync(tempDir)).toEqual([]);
      // One start and one end line per task.
      const lines = service.records().filter((l) => l.task_id === id);
      // The process has exited: every line it wrote is in.
      expect(lines.map((l) => l.msg)).toEqual(["task started", "task finished"]);
    } finally {
      sim.setFaults(undefined);
    }
  });
});

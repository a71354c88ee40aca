// The syncer's integrity rules, with the in-memory fixture connector and a real c1z store: a
// principal created during the sync is read with GetResource and stored, one that cannot be read
// fails the sync naming it; a sync whose pages are all stored, or that was ended but not saved,
// is finished by the next run without a single call for data, and the file holds that one sync;
// a resumed sync counts every row once.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zStore } from "../src/baton/c1z/store.js";
import { workingDbPath } from "../src/baton/c1z/working-db.js";
import { connectorClients, inProcessTransport } from "../src/baton/sync/clients.js";
import { GrantIntegrityError, MAX_LATE_RESOURCES } from "../src/baton/sync/grant-integrity.js";
import { runSync } from "../src/baton/sync/syncer.js";
import {
  createFixtureConnector,
  type FixtureCall,
  type FixtureConnector,
} from "../src/baton/testing/fixture-connector.js";
import { c1zRows, rowsAsObject } from "./helpers/c1z-rows.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sync-integrity-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sleep = async () => {};

function fixture(beforeCall?: (call: FixtureCall) => void): FixtureConnector {
  return createFixtureConnector({
    userCount: 5,
    pageSize: 2,
    ...(beforeCall ? { beforeCall } : {}),
  });
}

async function sync(file: string, connector: FixtureConnector, store?: C1zStore) {
  const s = store ?? (await C1zStore.open(file));
  const result = await runSync(connectorClients(inProcessTransport(connector)), s, { sleep });
  return { store: s, result };
}

/** Adds a user to group `eng` (and, unless `ghost`, to the users) once, at the first grants call. */
function joinsDuringSync(ids: string[], ghost = false) {
  let done = false;
  const f: FixtureConnector = fixture((call) => {
    if (done || call !== "grants:group") return;
    done = true;
    for (const id of ids) {
      if (!ghost) {
        const user = { id, login: id, email: `${id}@example.test`, displayName: id, enabled: true };
        f.state.users.set(id, user);
      }
      f.state.groups.get("eng")?.members.add(id);
    }
  });
  return f;
}

describe("grant integrity", () => {
  it("reads a user created during the sync, and stores it with its grant", async () => {
    const file = join(dir, "late.c1z");
    const f = joinsDuringSync(["u77"]);
    const { store, result } = await sync(file, f);
    await store.save();
    const reader = await C1zReader.open(file);
    try {
      expect(reader.resource({ resourceType: "user", resource: "u77" })).toBeDefined();
      expect(reader.grant("group:eng:member:user:u77")).toBeDefined();
      expect(result.counts.resources).toBe(reader.resources().length);
    } finally {
      reader.close();
    }
    expect(f.calls.filter((c) => c === "get:user")).toHaveLength(1);
    expect(result.warnings).toEqual([
      "grant group:eng:member:user:u77 names principal user:u77, which its listing did not return (created during the sync?); read it with GetResource",
    ]);
  });

  it("finds a late user among grants stored before a resume, by asking the store", async () => {
    const file = join(dir, "late-resumed.c1z");
    let killed = false;
    const f: FixtureConnector = fixture((call) => {
      if (call === "grants:group" && !f.state.users.has("u77")) {
        f.state.users.set("u77", {
          id: "u77",
          login: "u77",
          email: "u77@example.test",
          displayName: "u77",
          enabled: true,
        });
        f.state.groups.get("eng")?.members.add("u77");
      }
      // Stopped once every group's members are stored, before the roles' grants.
      if (call === "grants:role" && !killed) {
        killed = true;
        throw new Error("killed");
      }
    });
    const store = await C1zStore.open(file);
    const clients = connectorClients(inProcessTransport(f));
    const options = { sleep, concurrency: 1, checkpointIntervalMs: 0 };
    await expect(runSync(clients, store, options)).rejects.toThrow("killed");
    store.abandon();
    expect(f.calls).not.toContain("get:user");

    const again = await C1zStore.open(file);
    const result = await runSync(clients, again, options);
    await again.save();
    expect(f.calls.filter((c) => c === "get:user")).toHaveLength(1);
    expect(result.warnings).toHaveLength(1);
    const reader = await C1zReader.open(file);
    expect(reader.resource({ resourceType: "user", resource: "u77" })).toBeDefined();
    reader.close();
  });

  it("fails naming the first principal that GetResource cannot find", async () => {
    const file = join(dir, "ghost.c1z");
    const f = joinsDuringSync(["ghost-1", "ghost-2"], true);
    const error = await sync(file, f).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GrantIntegrityError);
    expect((error as Error).message).toMatch(
      /^grant group:eng:member:user:ghost-1 names principal user:ghost-1, which is not in the sync and GetResource cannot find it \(NotFound: /,
    );
  });

  it("fails instead of reading more than a changing tenant explains", async () => {
    const file = join(dir, "many.c1z");
    const ids = Array.from({ length: MAX_LATE_RESOURCES + 1 }, (_, i) => `late-${i}`);
    const f = joinsDuringSync(ids);
    const error = await sync(file, f).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(
      new RegExp(
        `^more than ${MAX_LATE_RESOURCES} resources named by grants are missing from the sync, the first: grant group:eng:member:user:late-0 names principal user:late-0; `,
      ),
    );
    expect(f.calls.filter((c) => c === "get:user")).toHaveLength(0);
  });
});

describe("finishing a sync whose data is complete", () => {
  it("ends a sync whose pages were all stored without calling the connector for data", async () => {
    const reference = join(dir, "reference.c1z");
    const first = await sync(reference, fixture());
    await first.store.save();

    const file = join(dir, "sync.c1z");
    const store = await C1zStore.open(file);
    // Stopped right after the last page was stored, before the sync was ended.
    store.endSync = () => {
      throw new Error("killed");
    };
    await expect(sync(file, fixture(), store)).rejects.toThrow("killed");
    store.abandon();

    const f = fixture();
    const { store: again, result } = await sync(file, f);
    await again.save();
    expect(f.calls).toEqual(["cleanup"]);
    expect(result.resumed).toBe(true);
    expect(result.counts).toEqual(first.result.counts);
    expect(rowsAsObject(c1zRows(file))).toEqual(rowsAsObject(c1zRows(reference)));
    const reader = await C1zReader.open(file);
    expect(reader.syncs().map((s) => s.endedAt !== undefined)).toEqual([true]);
    reader.close();
  });

  it("saves a sync that was ended but not saved without calling the connector", async () => {
    const file = join(dir, "sync.c1z");
    const first = await sync(file, fixture());
    // Killed during the save: the working database holds the ended sync, the file is not there.
    first.store.abandon();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(workingDbPath(file))).toBe(true);

    const f = fixture();
    const { store, result } = await sync(file, f);
    await store.save();
    expect(f.calls).toEqual([]);
    expect(result).toMatchObject({ syncId: first.result.syncId, resumed: true });
    expect(result.counts).toEqual(first.result.counts);
    expect(existsSync(workingDbPath(file))).toBe(false);
    const reader = await C1zReader.open(file);
    expect(reader.syncs().map((s) => [s.syncId, s.endedAt !== undefined])).toEqual([
      [first.result.syncId, true],
    ]);
    reader.close();

    // The saved sync is not taken for an unsaved one: the next run syncs again.
    const next = fixture();
    const third = await sync(file, next);
    await third.store.save();
    expect(next.calls).toContain("validate");
    expect(third.result.syncId).not.toBe(first.result.syncId);
  });

  it("counts every row once after a resume", async () => {
    const file = join(dir, "resumed.c1z");
    let listed = 0;
    const killed = fixture((call) => {
      if (call === "grants:group" && ++listed === 2) throw new Error("killed mid-grants");
    });
    const store = await C1zStore.open(file);
    await expect(
      runSync(connectorClients(inProcessTransport(killed)), store, {
        sleep,
        checkpointIntervalMs: 0,
      }),
    ).rejects.toThrow();
    store.abandon();
    const { store: again, result } = await sync(file, fixture());
    await again.save();
    const reader = await C1zReader.open(file);
    try {
      const stats = reader.stats();
      const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
      expect(result.counts.resources).toBe(sum(stats.resourcesByType));
      expect(result.counts.grants).toBe(sum(stats.grantsByType));
      expect(result.counts.resources).toBe(reader.resources().length);
      expect(result.counts.grants).toBe(reader.grants().length);
    } finally {
      reader.close();
    }
  });
});

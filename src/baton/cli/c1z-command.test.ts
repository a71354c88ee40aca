import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBinary, toJson } from "@bufbuild/protobuf";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import yargs from "yargs";
import { GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import { C1zReader } from "../c1z/reader.js";
import { C1zStore } from "../c1z/store.js";
import { fixture, grant, group, memberEntitlement, user } from "../c1z/test-support/fixtures.js";
import { insertSyncRun, writeRawC1z } from "../c1z/test-support/raw-c1z.js";
import { tempDir } from "../c1z/test-support/temp-dir.js";
import { c1zTypeRegistry } from "../c1z/type-registry.js";
import { type C1zCommandArgs, c1zCommand, runC1zCommand, table } from "./c1z-command.js";
import { OutputSink } from "./output-sink.js";

function capture() {
  const chunks: string[] = [];
  return { write: (chunk: string) => chunks.push(chunk), text: () => chunks.join("") };
}

async function run(args: Omit<C1zCommandArgs, "file"> & { file?: string }, file: string) {
  const stdout = capture();
  const stderr = capture();
  const code = await runC1zCommand({ file, ...args }, stdout, stderr);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("c1z command", () => {
  let file: string;
  let syncId: string;

  beforeAll(async () => {
    // Its own directory: the per-test cleanup of tempDir() would remove it after the first test.
    const dir = mkdtempSync(join(tmpdir(), "c1z-cli-"));
    file = join(dir, "sync.c1z");
    const f = fixture();
    const store = await C1zStore.open(file);
    syncId = store.startSync("full");
    store.putResourceTypes(syncId, f.resourceTypes);
    store.putResources(syncId, f.resources);
    store.putEntitlements(syncId, f.entitlements);
    store.putGrants(syncId, f.grants);
    store.endSync(syncId);
    await store.save();
    return () => rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prints resources as an aligned table", async () => {
    const out = await run({ view: "resources" }, file);
    expect(out).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "ID      | Display Name  | Resource Type | Parent Resource",
        "alice   | Alice Liddell | user          |",
        "bob     | Bob Builder   | user          |",
        "eng     | Engineering   | group         |",
        "backend | Backend       | group         | group:eng",
        "",
      ].join("\n"),
    });
  });

  it("filters by resource type and prints the other views", async () => {
    expect((await run({ view: "resources", resourceType: "user" }, file)).stdout).toBe(
      [
        "ID    | Display Name  | Resource Type | Parent Resource",
        "alice | Alice Liddell | user          |",
        "bob   | Bob Builder   | user          |",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "resource-types" }, file)).stdout).toBe(
      [
        "ID    | Display Name | Traits",
        "user  | User         | user",
        "group | Group        | group",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "entitlements" }, file)).stdout).toBe(
      [
        "ID                   | Display Name | Resource Type | Resource ID | Purpose",
        "group:eng:member     | member       | group         | eng         | assignment",
        "group:backend:member | member       | group         | backend     | assignment",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "grants" }, file)).stdout).toBe(
      [
        "Entitlement          | Principal Type | Principal ID",
        "group:eng:member     | user           | alice",
        "group:eng:member     | group          | backend",
        "group:backend:member | user           | bob",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "grants", entitlement: "group:backend:member" }, file)).stdout).toBe(
      [
        "Entitlement          | Principal Type | Principal ID",
        "group:backend:member | user           | bob",
        "",
      ].join("\n"),
    );
    const syncs = (await run({ view: "syncs" }, file)).stdout.split("\n");
    expect(syncs[0]).toMatch(/^ID +\| Type \| Started +\| Ended$/);
    expect(syncs[1]).toMatch(
      new RegExp(
        `^${syncId} \\| full \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\S* +\\| \\d{4}-`,
      ),
    );
    const stats = (await run({ view: "stats" }, file)).stdout;
    expect(stats).toContain(`Sync: ${syncId}\n`);
    expect(stats).toContain("resources      |               | 4\n");
    expect(stats).toContain("resources      | user          | 2\n");
    expect(stats).toContain("grants         | group         | 3\n");
  });

  it("prints one JSON document with proto-JSON messages and annotations", async () => {
    const resources = JSON.parse((await run({ view: "resources", output: "json" }, file)).stdout);
    expect(resources.resources.map((r: { id: { resource: string } }) => r.id.resource)).toEqual([
      "alice",
      "bob",
      "eng",
      "backend",
    ]);
    expect(resources.resources[0].annotations[0]["@type"]).toBe(
      "type.googleapis.com/c1.connector.v2.UserTrait",
    );
    const grants = JSON.parse((await run({ view: "grants", output: "json" }, file)).stdout);
    expect(grants.grants[1].annotations).toEqual([
      {
        "@type": "type.googleapis.com/c1.connector.v2.GrantExpandable",
        entitlementIds: ["group:backend:member"],
      },
    ]);
    const syncs = JSON.parse((await run({ view: "syncs", output: "json" }, file)).stdout);
    expect(syncs.syncs).toEqual([
      expect.objectContaining({ id: syncId, type: "full", parentSyncId: "", syncToken: "" }),
    ]);
    const stats = JSON.parse((await run({ view: "stats", output: "json" }, file)).stdout);
    expect(stats.counts).toEqual({ resourceTypes: 2, resources: 4, entitlements: 2, grants: 3 });
  });

  it("reports files that are missing or not a c1z in one line with exit code 2", async () => {
    const dir = tempDir();
    const missing = await run({ view: "resources" }, join(dir, "nope.c1z"));
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ${join(dir, "nope.c1z")}: no such file\n`,
    });
    writeFileSync(join(dir, "bad.c1z"), "not a c1z");
    const bad = await run({ view: "grants" }, join(dir, "bad.c1z"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `error: ${join(dir, "bad.c1z")}: not a c1z file (expected C1ZF header)\n`,
    );
    const unknown = await run({ view: "grants", syncId: "x" }, file);
    expect(unknown.stderr).toBe("error: no sync with id x in this c1z\n");
    expect(unknown.code).toBe(2);
    // A damaged file is a failure to read it, not a wrong argument.
    const damaged = join(dir, "damaged.c1z");
    writeFileSync(damaged, Buffer.concat([Buffer.from("C1ZF\0"), Buffer.from("not zstd")]));
    expect(await run({ view: "grants" }, damaged)).toMatchObject({ code: 1 });
  });

  it("is wired into yargs as `c1z <file> <view>` with its flags", async () => {
    let written = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    const previous = process.exitCode;
    // The harness also has a global `--file` (default sync.c1z); the positional must win.
    await yargs(["c1z", file, "grants", "-o", "json", "--entitlement", "group:eng:member"])
      .option("file", { alias: "f", type: "string", default: "sync.c1z" })
      .option("c1z-temp-dir", { type: "string" })
      .command(c1zCommand)
      .strict()
      .parseAsync();
    expect(process.exitCode).toBe(0);
    process.exitCode = previous;
    expect(JSON.parse(written).grants).toHaveLength(2);
  });
});

/** A c1z of one finished sync with `count` grants of `group:eng:member` (users u0, u1, …). */
async function grantsC1z(file: string, count: number): Promise<void> {
  // Written straight into the database: the writer's encoding would take most of the test.
  const eng = memberEntitlement(group("eng", "Engineering"));
  await writeRawC1z(file, (db) => {
    insertSyncRun(db, {
      syncId: "big",
      type: "full",
      startedAt: "2025-01-01 00:00:00",
      endedAt: "2025-01-01 00:01:00",
    });
    const insert = db.prepare(
      "insert into v1_grants (resource_type_id, resource_id, entitlement_id, principal_resource_type_id, " +
        "principal_resource_id, external_id, data, sync_id, discovered_at) " +
        "values ('group', 'eng', ?, 'user', ?, ?, ?, 'big', '2025-01-01 00:00:00')",
    );
    db.exec("begin");
    for (let i = 0; i < count; i++) {
      const g = grant(eng, user(`u${i}`, `User ${i}`));
      insert.run(eng.id, `u${i}`, g.id, toBinary(GrantSchema, g));
    }
    db.exec("commit");
  });
}

describe("c1z views of large files", () => {
  // More grants than a 20,000-user sync holds: 144,849 made the old view overflow the stack.
  const GRANTS = 150_000;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "c1z-big-"));
    file = join(dir, "big.c1z");
    await grantsC1z(file, GRANTS);
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("prints every grant of a 150,000-grant file as one aligned table", async () => {
    const out = await run({ view: "grants", resourceType: "group" }, file);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const lines = out.stdout.split("\n");
    expect(lines).toHaveLength(GRANTS + 2);
    expect(lines[0]).toBe("Entitlement      | Principal Type | Principal ID");
    expect(lines[1]).toBe("group:eng:member | user           | u0");
    expect(lines[GRANTS]).toBe(`group:eng:member | user           | u${GRANTS - 1}`);
  });

  it("streams JSON over several pages byte for byte as JSON.stringify of the whole document", async () => {
    const small = join(dir, "small.c1z");
    await grantsC1z(small, 2_500);
    const out = await run({ view: "grants", output: "json" }, small);
    expect(out.code).toBe(0);
    const reader = await C1zReader.open(small);
    try {
      const whole = {
        grants: reader.grants().map((g) => toJson(GrantSchema, g, { registry: c1zTypeRegistry })),
      };
      expect(out.stdout).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    } finally {
      reader.close();
    }
  });

  it("writes while it reads, and stops reading when the reader of the output goes away", async () => {
    const chunks: string[] = [];
    const sink = new OutputSink({
      write: (chunk: string) => {
        chunks.push(chunk);
        // JSON is written in one pass: the first chunks leave the process before the walk ends.
        if (chunks.length === 2) sink.close();
        return true;
      },
    });
    const code = await runC1zCommand({ file, view: "grants", output: "json" }, sink, capture());
    expect(code).toBe(0);
    expect(chunks).toHaveLength(2);
    const printed = chunks.join("").match(/"principal"/g)?.length ?? 0;
    expect(printed).toBeGreaterThan(10);
    expect(printed).toBeLessThan(GRANTS / 100);
  });
});

describe("table", () => {
  it("pads columns, trims line ends, and keeps cells on one line", () => {
    expect(
      table(
        ["A", "Long header"],
        [
          ["x\ny", ""],
          ["wide cell", "z"],
        ],
      ),
    ).toBe("A         | Long header\nx y       |\nwide cell | z\n");
  });
});

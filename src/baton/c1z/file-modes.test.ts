// Every file the c1z layer writes is owner-only (0600): the working database and its -wal and
// -shm files while a sync runs, the unpacked copies (resume, reader), the temporary file of the
// atomic replace and the c1z itself. They hold users' emails and who has access to what.
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { C1zError } from "./c1z-error.js";
import { C1zReader } from "./reader.js";
import { C1zStore } from "./store.js";
import { fixture } from "./test-support/fixtures.js";
import { tempDir } from "./test-support/temp-dir.js";

const mode = (path: string) => statSync(path).mode & 0o777;

async function writeSync(file: string): Promise<C1zStore> {
  const f = fixture();
  const store = await C1zStore.open(file);
  const syncId = store.startSync("full");
  store.putResourceTypes(syncId, f.resourceTypes);
  store.putResources(syncId, f.resources);
  store.putGrants(syncId, f.grants);
  store.endSync(syncId);
  return store;
}

describe("file modes", () => {
  it("keeps the working database, its WAL and shared memory, and the c1z at 0600", async () => {
    const dir = tempDir();
    const file = join(dir, "sync.c1z");
    const store = await writeSync(file);
    const working = store.workingDbPath;
    const sideFiles = ["", "-wal", "-shm"].map((s) => `${working}${s}`).filter(existsSync);
    expect(sideFiles).toContain(working);
    expect(sideFiles).toContain(`${working}-wal`);
    for (const path of sideFiles) expect(mode(path), path).toBe(0o600);
    await store.save();
    expect(mode(file)).toBe(0o600);
    // Saved: only the c1z is left.
    expect(readdirSync(dir)).toEqual(["sync.c1z"]);
  });

  it("unpacks a previous c1z and a reader's copy owner-only, and tightens a readable working database", async () => {
    const dir = tempDir();
    const file = join(dir, "sync.c1z");
    await (await writeSync(file)).save();
    // A second sync unpacks the previous file into a new working database.
    const second = await C1zStore.open(file);
    expect(second.origin).toBe("unpacked");
    expect(mode(second.workingDbPath)).toBe(0o600);
    second.abandon();
    // One an older version left world-readable is made owner-only when resumed.
    chmodSync(second.workingDbPath, 0o644);
    const resumed = await C1zStore.open(file);
    expect(resumed.origin).toBe("resumed");
    expect(mode(resumed.workingDbPath)).toBe(0o600);
    await resumed.discard();

    const readDir = tempDir();
    const reader = await C1zReader.open(file, { tempDir: readDir });
    try {
      const [unpackDir = ""] = readdirSync(readDir);
      expect(mode(join(readDir, unpackDir))).toBe(0o700);
      for (const name of readdirSync(join(readDir, unpackDir)))
        expect(mode(join(readDir, unpackDir, name)), name).toBe(0o600);
    } finally {
      reader.close();
    }
  });

  it("refuses a directory, a missing directory and a file in a file as the output, naming them", async () => {
    const dir = tempDir();
    const error = (file: string) =>
      C1zStore.open(file).then(
        () => new C1zError("closed", "opened"),
        (e: unknown) => e as C1zError,
      );
    expect(await error(dir)).toMatchObject({
      code: "unwritable",
      message: `${dir} is a directory; name the c1z file to write, e.g. ${join(dir, "sync.c1z")}`,
    });
    expect(await error(join(dir, "missing", "sync.c1z"))).toMatchObject({
      code: "unwritable",
      message: `${join(dir, "missing", "sync.c1z")}: the directory ${join(dir, "missing")} does not exist; create it or write elsewhere`,
    });
    writeFileSync(join(dir, "plain"), "x");
    expect(await error(join(dir, "plain", "sync.c1z"))).toBeInstanceOf(C1zError);
    expect((await error(join(dir, "plain", "sync.c1z"))).message).toContain("is not a directory");
  });
});

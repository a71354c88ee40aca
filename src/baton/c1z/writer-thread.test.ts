// The writer thread started ahead of its store (writer-thread.ts), with the built worker.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { c1zRows } from "../../../test/helpers/c1z-rows.js";
import { fixture } from "./test-support/fixtures.js";
import { tempDir } from "./test-support/temp-dir.js";
import { ThreadedC1zStore } from "./threaded-store.js";
import { prestartWriter, takeWriter } from "./writer-thread.js";

const workerFile = new URL("../../../dist/src/baton/c1z/store-worker.js", import.meta.url);
const builtModule = new URL("../../../dist/src/baton/c1z/writer-thread.js", import.meta.url);

describe("writer thread started early", () => {
  it("is taken once, by a store of the same worker file, which writes through it", async () => {
    const early = prestartWriter(workerFile);
    expect(prestartWriter(workerFile)).toBe(early);
    expect(takeWriter(workerFile)).toBe(early);
    const second = takeWriter(workerFile);
    expect(second).not.toBe(early);
    await Promise.all([early?.worker.terminate(), second.worker.terminate()]);

    const waiting = prestartWriter(workerFile);
    const other = new URL("./elsewhere/store-worker.js", workerFile);
    const fresh = takeWriter(other);
    // Another worker file leaves the early thread for the store that asks for its own.
    expect(fresh).not.toBe(waiting);
    expect(fresh.workerFile.href).toBe(other.href);
    await fresh.worker.terminate();

    const file = join(tempDir(), "early.c1z");
    const store = await ThreadedC1zStore.open(file, { workerFile });
    // The store took the waiting thread: the next one started early is a new one.
    const next = prestartWriter(workerFile);
    expect(next).not.toBe(waiting);
    await next?.worker.terminate();
    // One that ended while it waited is dropped for a new thread.
    const replaced = takeWriter(workerFile);
    expect(replaced).not.toBe(next);
    expect(takeWriter(workerFile)).not.toBe(replaced);
    await replaced.worker.terminate();
    const f = fixture();
    const syncId = store.startSync("full");
    store.transaction(() => {
      store.putResourceTypes(syncId, f.resourceTypes);
      store.putResources(syncId, f.resources);
    });
    store.endSync(syncId);
    await store.save();
    const rows = c1zRows(file);
    expect(rows.resources.size).toBe(f.resources.length);
    expect(rows.resource_types.size).toBe(f.resourceTypes.length);
  });

  it("does not keep a process alive that never opens a store", () => {
    const script = `import { prestartWriter } from ${JSON.stringify(builtModule.href)};
prestartWriter(new URL(${JSON.stringify(workerFile.href)}));
console.log("started");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe("started");
    expect(run.status).toBe(0);
  });

  it("that dies before it is given a file fails the open with its own error", async () => {
    const dir = tempDir();
    const broken = join(dir, "broken-worker.mjs");
    writeFileSync(broken, 'throw new Error("the writer could not load its modules");\n');
    prestartWriter(pathToFileURL(broken));
    await expect(
      ThreadedC1zStore.open(join(dir, "s.c1z"), { workerFile: pathToFileURL(broken) }),
    ).rejects.toThrow("the writer could not load its modules");
  });
});

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { removeStaleTempFiles, writeFileAtomically } from "./atomic-file.js";
import { tempDir } from "./test-support/temp-dir.js";

describe("writeFileAtomically", () => {
  it("replaces the file and leaves no temporary file", async () => {
    const dir = tempDir();
    const target = join(dir, "sync.c1z");
    writeFileSync(target, "old");
    await writeFileAtomically(target, (out) => pipeline(Readable.from(["new ", "content"]), out));
    expect(readFileSync(target, "utf8")).toBe("new content");
    expect(readdirSync(dir)).toEqual(["sync.c1z"]);
  });

  it("creates new files readable by the owner only", async () => {
    const target = join(tempDir(), "fresh.c1z");
    await writeFileAtomically(target, (out) => pipeline(Readable.from(["x"]), out));
    if (process.platform !== "win32") expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it("keeps the previous file byte-identical when producing the content fails half-way", async () => {
    const dir = tempDir();
    const target = join(dir, "sync.c1z");
    const old = Buffer.from("C1ZF\u0000 previous sync");
    writeFileSync(target, old);
    let tempSeen: string[] = [];
    const failing = (async function* () {
      yield Buffer.alloc(64 * 1024, 1);
      // The write stream opens its file asynchronously: wait for it (bounded) before looking.
      for (let i = 0; i < 400 && readdirSync(dir).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      // While the new content is half written it sits in `<file>.tmp-<random>` only.
      tempSeen = readdirSync(dir).filter((n) => n !== "sync.c1z");
      throw new Error("compression failed");
    })();
    await expect(
      writeFileAtomically(target, (out) => pipeline(Readable.from(failing), out)),
    ).rejects.toThrow("compression failed");
    expect(tempSeen).toHaveLength(1);
    expect(tempSeen[0]).toMatch(/^sync\.c1z\.tmp-[0-9a-f]{12}$/);
    expect(readFileSync(target)).toEqual(old);
    expect(readdirSync(dir)).toEqual(["sync.c1z"]);
  });

  it("clears temporary files a crashed writer left behind, and nothing else", async () => {
    const dir = tempDir();
    const target = join(dir, "sync.c1z");
    writeFileSync(target, "keep");
    writeFileSync(join(dir, "sync.c1z.tmp-0123456789ab"), "partial");
    writeFileSync(join(dir, "other.c1z.tmp-0123456789ab"), "someone else's");
    await removeStaleTempFiles(target);
    expect(readdirSync(dir).sort()).toEqual(["other.c1z.tmp-0123456789ab", "sync.c1z"]);
    expect(existsSync(target)).toBe(true);
  });
});

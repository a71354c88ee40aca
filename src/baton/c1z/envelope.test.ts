import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { constants, zstdCompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { C1zError } from "./c1z-error.js";
import {
  C1Z_V1_MAGIC,
  C1Z_V3_MAGIC,
  detectFormat,
  readEnvelope,
  writeEnvelope,
  zstdFrameContentSize,
} from "./envelope.js";
import { tempDir } from "./test-support/temp-dir.js";

describe("c1z envelope", () => {
  it("classifies files by their first five bytes", async () => {
    const dir = tempDir();
    const at = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    expect(await detectFormat(join(dir, "missing.c1z"))).toBe("empty");
    expect(await detectFormat(at("zero.c1z", new Uint8Array()))).toBe("empty");
    expect(await detectFormat(at("v1.c1z", Buffer.concat([C1Z_V1_MAGIC, Buffer.from("x")])))).toBe(
      "v1",
    );
    expect(await detectFormat(at("v3.c1z", C1Z_V3_MAGIC))).toBe("v3");
    expect(await detectFormat(at("text.c1z", Buffer.from("hello world")))).toBe("unknown");
    expect(await detectFormat(at("tiny.c1z", Buffer.from("C1")))).toBe("unknown");
  });

  it("writes a file of several read chunks and reads the same bytes back", async () => {
    const dir = tempDir();
    // 9 MiB + 1: three reads of 4 MiB, the last one short, all through the one reused buffer.
    const db = Buffer.alloc(9 * 1024 * 1024 + 1);
    for (let i = 0; i + 4 <= db.length; i += 4096) db.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(join(dir, "db"), db);
    await writeEnvelope(join(dir, "db"), createWriteStream(join(dir, "out.c1z")));
    const c1z = readFileSync(join(dir, "out.c1z"));
    expect(c1z.subarray(0, 5).equals(C1Z_V1_MAGIC)).toBe(true);
    expect(zstdFrameContentSize(c1z.subarray(5, 23))).toBe(BigInt(db.length));
    await readEnvelope(join(dir, "out.c1z"), join(dir, "back"));
    expect(readFileSync(join(dir, "back")).equals(db)).toBe(true);
  });

  it("rejects with the destination's error when it fails mid-way", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "db"), Buffer.alloc(9 * 1024 * 1024, 7));
    let writes = 0;
    const out = new Writable({
      write(_chunk, _encoding, done) {
        writes++;
        done(writes > 1 ? new Error("disk full") : null);
      },
    });
    await expect(writeEnvelope(join(dir, "db"), out)).rejects.toThrow("disk full");
  });

  it("reads Frame_Content_Size from zstd frame headers", () => {
    const data = Buffer.alloc(70_000, 1);
    const framed = zstdCompressSync(data, {
      pledgedSrcSize: data.length,
      params: { [constants.ZSTD_c_contentSizeFlag]: 1 },
    });
    expect(zstdFrameContentSize(framed.subarray(0, 18))).toBe(70_000n);
    expect(zstdFrameContentSize(Buffer.from("not zstd"))).toBeUndefined();
  });

  it("refuses frames that declare or produce more than the limit, and damaged streams", async () => {
    const dir = tempDir();
    const data = Buffer.alloc(10_000, 7);
    const declared = join(dir, "declared.c1z");
    writeFileSync(
      declared,
      Buffer.concat([C1Z_V1_MAGIC, zstdCompressSync(data, { pledgedSrcSize: data.length })]),
    );
    await expect(readEnvelope(declared, join(dir, "a.db"), 1000)).rejects.toThrow(
      /declares 10000 decompressed bytes/,
    );

    // A streamed frame without a declared size is caught while decoding.
    const undeclared = join(dir, "undeclared.c1z");
    writeFileSync(
      undeclared,
      Buffer.concat([
        C1Z_V1_MAGIC,
        zstdCompressSync(data, { params: { [constants.ZSTD_c_contentSizeFlag]: 0 } }),
      ]),
    );
    await expect(readEnvelope(undeclared, join(dir, "b.db"), 1000)).rejects.toThrow(
      /more than 1000 bytes/,
    );
    await readEnvelope(undeclared, join(dir, "c.db"));

    const damaged = join(dir, "damaged.c1z");
    writeFileSync(damaged, Buffer.concat([C1Z_V1_MAGIC, Buffer.from("definitely not zstd")]));
    const err = await readEnvelope(damaged, join(dir, "d.db")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(C1zError);
    expect((err as C1zError).code).toBe("corrupt");
  });

  it("names the problem for files that are not v1 c1z", async () => {
    const dir = tempDir();
    const v3 = join(dir, "v3.c1z");
    writeFileSync(v3, Buffer.concat([C1Z_V3_MAGIC, Buffer.alloc(16)]));
    await expect(readEnvelope(v3, join(dir, "x.db"))).rejects.toThrow(
      "v3 (Pebble) c1z files are not supported; re-sync with this connector",
    );
    const other = join(dir, "other.c1z");
    writeFileSync(other, "PK\u0003\u0004 a zip file");
    await expect(readEnvelope(other, join(dir, "y.db"))).rejects.toThrow(
      "not a c1z file (expected C1ZF header)",
    );
  });
});

import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { tempDir } from "../c1z/test-support/temp-dir.js";
import { memoryBaton, recordingSleep } from "./test-support/memory-baton.js";
import { fileChunks, UPLOAD_CHUNK_BYTES, uploadFile } from "./upload-asset.js";

const TASK = "A".repeat(27);

function fileOf(bytes: Buffer): string {
  const file = join(tempDir(), "sync.c1z");
  writeFileSync(file, bytes);
  return file;
}

describe("upload", () => {
  it("chunks are exactly 512 KiB but the last; an empty file has none", async () => {
    const sizes = async (n: number) => {
      const out: number[] = [];
      for await (const c of fileChunks(fileOf(randomBytes(n)), UPLOAD_CHUNK_BYTES))
        out.push(c.length);
      return out;
    };
    expect(await sizes(2 * UPLOAD_CHUNK_BYTES + 7)).toEqual([
      UPLOAD_CHUNK_BYTES,
      UPLOAD_CHUNK_BYTES,
      7,
    ]);
    expect(await sizes(UPLOAD_CHUNK_BYTES)).toEqual([UPLOAD_CHUNK_BYTES]);
    expect(await sizes(0)).toEqual([]);
  });

  it("sends metadata, the data in order and eof with the SHA-256; retries twice (waits 0 s, 1 s)", async () => {
    const bytes = randomBytes(UPLOAD_CHUNK_BYTES + 1000);
    const attempts: { kinds: string[]; data: Buffer; sum?: Uint8Array }[] = [];
    const { waits, sleep } = recordingSleep();
    const api = memoryBaton({
      uploadAsset: async (messages) => {
        const a: (typeof attempts)[number] = { kinds: [], data: Buffer.alloc(0) };
        attempts.push(a);
        for await (const m of messages) {
          a.kinds.push(m.msg.case ?? "");
          if (m.msg.case === "metadata")
            expect(m.msg.value).toMatchObject({ hostId: "host-1", taskId: TASK });
          if (m.msg.case === "data") a.data = Buffer.concat([a.data, m.msg.value.data]);
          if (m.msg.case === "eof") a.sum = m.msg.value.sha256Checksum;
          if (attempts.length < 3 && a.kinds.length === 2)
            throw new ConnectError("reset", Code.Unavailable);
        }
        return {};
      },
    });
    await uploadFile(api, TASK, fileOf(bytes), { sleep });
    expect(attempts.map((a) => a.kinds.length)).toEqual([2, 2, 4]);
    const last = attempts[2];
    expect(last?.kinds).toEqual(["metadata", "data", "data", "eof"]);
    expect(last?.data.equals(bytes)).toBe(true);
    expect(Buffer.from(last?.sum ?? []).equals(createHash("sha256").update(bytes).digest())).toBe(
      true,
    );
    // Before attempt 2 no wait (nothing recorded), before attempt 3 one second.
    expect(waits).toEqual([1_000]);
  });

  it("gives up after the third attempt with its error", async () => {
    const api = memoryBaton({
      uploadAsset: async () => {
        throw new ConnectError("still down", Code.Unavailable);
      },
    });
    await expect(
      uploadFile(api, TASK, fileOf(randomBytes(10)), { sleep: recordingSleep().sleep }),
    ).rejects.toThrow(/still down/);
  });
});

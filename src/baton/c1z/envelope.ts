/**
 * The v1 c1z envelope: the 5 magic bytes `C1ZF\0`, then one zstd stream whose
 * content is the bytes of one SQLite database file. Both directions stream, so a large database
 * is never held in memory. The compressor writes the database size into the frame header
 * (Frame_Content_Size, via zstd's pledged source size) and a content checksum, like the Go SDK.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, createZstdCompress, createZstdDecompress } from "node:zlib";
import { C1zError } from "./c1z-error.js";

/** `C1ZF\0`: a v1 (SQLite) c1z. */
export const C1Z_V1_MAGIC = Buffer.from([0x43, 0x31, 0x5a, 0x46, 0x00]);
/** `C1Z3\0`: a v3 (Pebble) c1z, which we recognise only to refuse it clearly. */
export const C1Z_V3_MAGIC = Buffer.from([0x43, 0x31, 0x5a, 0x33, 0x00]);

/** Reader limits of the Go SDK: 10 GiB decoded, 128 MiB decoder window. */
export const MAX_DECODED_BYTES = 10 * 1024 ** 3;
const MAX_WINDOW_LOG = 27;

/** zstd level 1, the closest match to the Go writer's "SpeedFastest". */
const COMPRESSION_LEVEL = 1;

/**
 * Bytes per read of the database and per zstd output buffer when writing. Each chunk is one trip
 * to the thread pool and back: with a read stream's defaults (64 KiB reads, 16 KiB output)
 * compressing a 188 MB working database took 0.7–0.9 s on two cores, with 4 MiB chunks
 * 0.26–0.41 s. One read buffer is reused (see {@link feed}): a stream's fresh 4 MiB buffers
 * raised the peak RSS by ≈ 50 MB before the collector freed them.
 */
const WRITE_CHUNK = 4 * 1024 * 1024;
const ZSTD_OUT_CHUNK = 1024 * 1024;

export type C1zFormat = "empty" | "v1" | "v3" | "unknown";

/** Classifies a file by its first bytes; a missing or zero-length file is "empty". */
export async function detectFormat(file: string): Promise<C1zFormat> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "empty";
    throw err;
  }
  try {
    const header = Buffer.alloc(C1Z_V1_MAGIC.length);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (bytesRead === 0) return "empty";
    if (bytesRead === header.length && header.equals(C1Z_V1_MAGIC)) return "v1";
    if (bytesRead === header.length && header.equals(C1Z_V3_MAGIC)) return "v3";
    return "unknown";
  } finally {
    await handle.close();
  }
}

/** Throws the C1zError a reader should show for a file that is not a readable v1 c1z. */
export function assertV1(file: string, format: C1zFormat): void {
  if (format === "v1") return;
  if (format === "v3") {
    throw new C1zError(
      "unsupported-format",
      `${file}: v3 (Pebble) c1z files are not supported; re-sync with this connector`,
    );
  }
  if (format === "empty") throw new C1zError("not-c1z", `${file}: empty file, not a c1z`);
  throw new C1zError("not-c1z", `${file}: not a c1z file (expected C1ZF header)`);
}

/**
 * Writes the envelope of the SQLite database at `dbPath` to `out` (ending it): magic, then one
 * zstd frame that declares the database size. `signal` aborts it.
 */
export async function writeEnvelope(
  dbPath: string,
  out: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const { size } = await stat(dbPath);
  const compressor = createZstdCompress({
    pledgedSrcSize: size,
    chunkSize: ZSTD_OUT_CHUNK,
    params: {
      [constants.ZSTD_c_compressionLevel]: COMPRESSION_LEVEL,
      [constants.ZSTD_c_contentSizeFlag]: 1,
      [constants.ZSTD_c_checksumFlag]: 1,
    },
  });
  out.write(C1Z_V1_MAGIC);
  const db = await open(dbPath, "r");
  try {
    // A failed read ends the pipeline with its error; a failed pipeline fails the next write.
    // Both are awaited before the file closes, so no read is left in flight.
    const [written] = await Promise.allSettled([
      pipeline(compressor, out, { signal }),
      feed(db, compressor).catch((e: unknown) => compressor.destroy(e as Error)),
    ]);
    if (written.status === "rejected") throw written.reason;
  } finally {
    await db.close();
  }
}

/**
 * Writes the file behind `db` into `to` and ends it, through one reused buffer: a zlib stream
 * calls a write back once it has consumed the whole chunk, so the buffer is free again then.
 */
async function feed(db: FileHandle, to: Writable): Promise<void> {
  const buffer = Buffer.allocUnsafe(WRITE_CHUNK);
  for (let position = 0; ; ) {
    const { bytesRead } = await db.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    await new Promise<void>((resolve, reject) =>
      to.write(buffer.subarray(0, bytesRead), (e) => (e ? reject(e) : resolve())),
    );
  }
  to.end();
}

/** Why the unpacked copy could not be written, for errors of the destination (not the c1z). */
const DESTINATION_ERRORS: Record<string, string> = {
  ENOSPC: "the disk is full (the database needs about 10 times the c1z's size); free space there",
  EDQUOT: "the disk quota is exhausted (the database needs about 10 times the c1z's size)",
  EACCES: "permission denied; make the directory writable",
  EROFS: "the file system is read-only; use a writable directory",
};

/**
 * Decompresses the envelope in `file` into a new file at `dest`. Refuses, with a "corrupt"
 * C1zError, a frame that declares or produces more than `maxBytes`, and any zstd damage.
 */
export async function readEnvelope(
  file: string,
  dest: string,
  maxBytes: number = MAX_DECODED_BYTES,
): Promise<void> {
  assertV1(file, await detectFormat(file));
  const declared = await declaredContentSize(file);
  if (declared !== undefined && declared > BigInt(maxBytes)) {
    throw new C1zError(
      "corrupt",
      `${file}: declares ${declared} decompressed bytes, above the ${maxBytes}-byte limit`,
    );
  }
  let total = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > maxBytes) {
        done(new C1zError("corrupt", `${file}: decompresses to more than ${maxBytes} bytes`));
      } else {
        done(null, chunk);
      }
    },
  });
  try {
    await pipeline(
      createReadStream(file, { start: C1Z_V1_MAGIC.length }),
      createZstdDecompress({ params: { [constants.ZSTD_d_windowLogMax]: MAX_WINDOW_LOG } }),
      limit,
      // Owner-only, like every file we write: the database holds users' emails and access.
      createWriteStream(dest, { flags: "wx", mode: 0o600 }),
    );
  } catch (err) {
    if (err instanceof C1zError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && DESTINATION_ERRORS[code])
      throw new C1zError(
        "corrupt",
        `${file}: cannot unpack it into ${dirname(dest)}: ${DESTINATION_ERRORS[code]} (${code})`,
        { cause: err },
      );
    const reason = err instanceof Error ? err.message : String(err);
    throw new C1zError("corrupt", `${file}: damaged c1z (${reason})`, { cause: err });
  }
}

/** The Frame_Content_Size declared by the first zstd frame after the magic, if any. */
async function declaredContentSize(file: string): Promise<bigint | undefined> {
  const handle = await open(file, "r");
  try {
    const header = Buffer.alloc(18);
    const { bytesRead } = await handle.read(header, 0, header.length, C1Z_V1_MAGIC.length);
    return zstdFrameContentSize(header.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Reads Frame_Content_Size from a zstd frame header (RFC 8878 §3.1.1.1); undefined when the
 * frame does not declare it or the bytes are not a zstd frame.
 */
export function zstdFrameContentSize(header: Uint8Array): bigint | undefined {
  const view = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (view.length < 5 || view.readUInt32LE(0) !== 0xfd2fb528) return undefined;
  const descriptor = view[4] ?? 0;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictIdBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
  const offset = 5 + (singleSegment ? 0 : 1) + dictIdBytes;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] ?? 0;
  if (fcsBytes === 0 || view.length < offset + fcsBytes) return undefined;
  switch (fcsBytes) {
    case 1:
      return BigInt(view.readUInt8(offset));
    case 2:
      return BigInt(view.readUInt16LE(offset) + 256);
    case 4:
      return BigInt(view.readUInt32LE(offset));
    default:
      return view.readBigUInt64LE(offset);
  }
}

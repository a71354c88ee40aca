/**
 * Uploads a finished c1z to ConductorOne: the SHA-256 of
 * the whole file first, then one `UploadAsset` stream of metadata, consecutive 512 KiB data
 * chunks (the last holds the rest) and `eof` with the 32-byte checksum. Up to 3 attempts, after
 * waits of 0 s and 1 s, each re-reading the file from the start.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { realSleep, type Sleep } from "../retry.js";
import type { BatonApi, UploadMessage } from "./baton-api.js";

/** Bytes per data message (the protocol allows 1 B to 1 MiB). */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;
/** Waits before attempts 2 and 3. */
const RETRY_WAITS_MS = [0, 1_000];

/** SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<Uint8Array> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return new Uint8Array(hash.digest());
}

/** The file in chunks of exactly `size` bytes (the last may be shorter; none for an empty file). */
export async function* fileChunks(file: string, size: number): AsyncGenerator<Uint8Array> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of createReadStream(file, { highWaterMark: size })) {
    let buf = piece as Buffer;
    while (pendingBytes + buf.length >= size) {
      const take = size - pendingBytes;
      pending.push(buf.subarray(0, take));
      yield new Uint8Array(Buffer.concat(pending));
      buf = buf.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (buf.length > 0) {
      pending.push(buf);
      pendingBytes += buf.length;
    }
  }
  if (pendingBytes > 0) yield new Uint8Array(Buffer.concat(pending));
}

async function* uploadMessages(
  hostId: string,
  taskId: string,
  file: string,
  checksum: Uint8Array,
): AsyncGenerator<UploadMessage> {
  yield { msg: { case: "metadata", value: { hostId, taskId } } };
  for await (const data of fileChunks(file, UPLOAD_CHUNK_BYTES)) {
    yield { msg: { case: "data", value: { data } } };
  }
  yield { msg: { case: "eof", value: { sha256Checksum: checksum } } };
}

export interface UploadOptions {
  signal?: AbortSignal;
  sleep?: Sleep;
  /** Called before each retry with the failure of the attempt before. */
  onRetry?: (attempt: number, error: unknown) => void;
}

/** Uploads `file` as the asset of `taskId`; throws the last attempt's error. */
export async function uploadFile(
  api: BatonApi,
  taskId: string,
  file: string,
  options: UploadOptions = {},
): Promise<void> {
  const checksum = await sha256File(file);
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      await api.uploadAsset(uploadMessages(api.hostId, taskId, file, checksum), options.signal);
      return;
    } catch (e) {
      const wait = RETRY_WAITS_MS[attempt];
      if (wait === undefined || options.signal?.aborted) throw e;
      options.onRetry?.(attempt + 2, e);
      if (wait > 0) await sleep(wait, options.signal);
    }
  }
}

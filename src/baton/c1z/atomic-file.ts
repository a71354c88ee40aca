/**
 * Replaces a file atomically: the new content goes to `<file>.tmp-<random>` in the same
 * directory, is fsynced, renamed over the target, and the directory is fsynced so the rename
 * itself survives a power loss. A failure or crash at any point leaves the previous file
 * byte-identical (and at worst a stray `.tmp-` file, which `removeStaleTempFiles` clears).
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";

/** The infix of temporary files; `<file>.tmp-<12 hex chars>`. */
export const TEMP_INFIX = ".tmp-";

/**
 * Writes `target` atomically. `produce` must write the whole content to the stream and end it
 * (a `pipeline` into it does). New files are created with mode 0600: a c1z holds who has access
 * to what, so it is not world-readable by default.
 */
export async function writeFileAtomically(
  target: string,
  produce: (out: Writable) => Promise<void>,
): Promise<void> {
  const suffix = randomBytes(6).toString("hex");
  const temp = join(dirname(target), `${basename(target)}${TEMP_INFIX}${suffix}`);
  // `flush` fsyncs the file before the stream closes it.
  const stream = createWriteStream(temp, { flags: "wx", mode: 0o600, flush: true });
  try {
    await produce(stream);
    if (!stream.writableFinished) {
      throw new Error(`internal: the content of ${target} was not fully written`);
    }
    if (!stream.closed) await once(stream, "close");
    await rename(temp, target);
  } catch (err) {
    stream.destroy();
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
  await syncDirectory(dirname(target));
}

/** Fsyncs a directory so a rename in it is durable; a no-op where directories cannot be opened. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Windows and some filesystems refuse to open or fsync a directory; the rename is still
    // atomic there, only its durability across a power loss is up to the OS.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Deletes `<file>.tmp-*` files left behind by a crashed writer of `target`. */
export async function removeStaleTempFiles(target: string): Promise<void> {
  const prefix = `${basename(target)}${TEMP_INFIX}`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix))
      .map((name) => rm(join(dirname(target), name), { force: true })),
  );
}

/**
 * The working database of a sync: an uncompressed SQLite file that lives while a sync runs and is
 * compressed into the c1z by `save()`. It is durable on its own (committed transactions survive a
 * SIGKILL), so a killed sync resumes from it on the next run instead of from the last saved c1z.
 *
 * Where it lives: `<file>.work.sqlite` beside the output, or, with `tempDir`, a name in that
 * directory derived from the output's absolute path (so two outputs never share one). It and
 * its `-wal` and `-shm` files are owner-only (0600). It grows to about 10 times the c1z's size
 * (≈ 95 MB per 10,000 users) and is deleted once `save()` has written the c1z.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, openSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { removeStaleTempFiles, TEMP_INFIX } from "./atomic-file.js";
import { C1zError } from "./c1z-error.js";
import { assertV1, detectFormat, readEnvelope } from "./envelope.js";
import { applySchema } from "./schema.js";

/** Where the working database of `file` lives. */
export function workingDbPath(file: string, tempDir?: string): string {
  if (tempDir === undefined) return `${file}.work.sqlite`;
  const hash = createHash("sha256").update(resolve(file)).digest("hex").slice(0, 12);
  return join(tempDir, `${basename(file)}-${hash}.work.sqlite`);
}

/** How the working database came to be: resumed, unpacked from the c1z, or created empty. */
export type WorkingDbOrigin = "resumed" | "unpacked" | "new";

export interface OpenedWorkingDb {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly origin: WorkingDbOrigin;
}

/**
 * Opens the working database of `file`: the existing one if a previous run left it (resume);
 * else a new one holding the previous c1z's syncs, so they are kept; else an empty one. The
 * schema is created or completed, and the database is locked exclusively until it is closed.
 */
export async function openWorkingDb(file: string, tempDir?: string): Promise<OpenedWorkingDb> {
  const path = workingDbPath(file, tempDir);
  assertWritableOutput(file, path);
  let origin: WorkingDbOrigin = "resumed";
  if (!existsSync(path)) {
    const format = await detectFormat(file);
    if (format === "empty") {
      origin = "new";
    } else {
      assertV1(file, format);
      // Unpack next to the final name and rename, so a crash mid-way never leaves a partial
      // database that the next run would mistake for a resumable one.
      const partial = `${path}${TEMP_INFIX}${randomBytes(6).toString("hex")}`;
      try {
        await readEnvelope(file, partial);
        forgetCheckpoints(partial);
        await rename(partial, path);
      } finally {
        await rm(partial, { force: true });
      }
      origin = "unpacked";
    }
  }
  const db = openLocked(path, file);
  try {
    applySchema(db);
  } catch (err) {
    db.close();
    throw new C1zError("corrupt", `${path}: not a usable c1z database (${describe(err)})`, {
      cause: err,
    });
  }
  await removeStaleTempFiles(file);
  await removeStaleTempFiles(path);
  return { db, path, origin };
}

/**
 * Clears the syncer's checkpoint of every finished sync of a freshly unpacked database: they are
 * saved, and a finished sync with a checkpoint marks one that was never saved (see
 * C1zStore.unsavedFinishedSync).
 */
function forgetCheckpoints(path: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(
      "update v1_sync_runs set sync_token = '' where ended_at is not null and sync_token != ''",
    );
  } catch {
    // A c1z without the table holds no sync to confuse; applySchema reports real damage.
  } finally {
    db.close();
  }
}

/**
 * Opens with WAL (fast commits that survive a process kill) and synchronous=NORMAL, in exclusive
 * locking mode so a second sync into the same output fails at once instead of interleaving.
 */
function openLocked(path: string, file: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    // SQLite would create the file 0644 (and its -wal and -shm take the database's mode): it
    // holds users' emails and who has access to what, so it is created owner-only first, and a
    // database an older version left readable by others is tightened.
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  } catch (err) {
    throw unwritable(file, path, err);
  }
  try {
    db = new DatabaseSync(path, { timeout: 0 });
  } catch (err) {
    throw new C1zError("corrupt", `${path}: cannot open the working database (${describe(err)})`, {
      cause: err,
    });
  }
  try {
    db.exec("pragma locking_mode = exclusive");
    db.exec("pragma journal_mode = wal");
    db.exec("pragma synchronous = normal");
    // Takes the exclusive lock now rather than at the first write.
    db.exec("begin immediate; commit");
  } catch (err) {
    db.close();
    if (/locked|busy/i.test(describe(err))) {
      throw new C1zError(
        "locked",
        `${file}: another sync is writing it (working database ${path} is locked)`,
        { cause: err },
      );
    }
    throw new C1zError(
      "corrupt",
      `${path}: the working database is damaged (${describe(err)}); delete it to start again ` +
        `from ${file}`,
      { cause: err },
    );
  }
  return db;
}

/**
 * Refuses, before anything is written, an output that is a directory or whose directory is
 * missing or not one (a "unwritable" C1zError naming the path and the fix).
 */
function assertWritableOutput(file: string, path: string): void {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats?.isDirectory())
    throw new C1zError(
      "unwritable",
      `${file} is a directory; name the c1z file to write, e.g. ${join(file, "sync.c1z")}`,
    );
  for (const dir of new Set([dirname(file), dirname(path)])) {
    const parent = statSync(dir, { throwIfNoEntry: false });
    if (!parent)
      throw new C1zError(
        "unwritable",
        `${file}: the directory ${dir} does not exist; create it or write elsewhere`,
      );
    if (!parent.isDirectory())
      throw new C1zError("unwritable", `${file}: ${dir} is not a directory`);
  }
}

function unwritable(file: string, path: string, err: unknown): C1zError {
  const code = (err as { code?: unknown }).code;
  const why: Record<string, string> = {
    EACCES: "permission denied; make the directory writable by this user or write elsewhere",
    EPERM: "permission denied; make the directory writable by this user or write elsewhere",
    EROFS: "the file system is read-only; write to a writable volume",
    ENOSPC: "the disk is full",
  };
  const reason = typeof code === "string" && why[code] ? `${why[code]} (${code})` : describe(err);
  return new C1zError(
    "unwritable",
    `${file}: cannot create its working database ${path}: ${reason}`,
    {
      cause: err,
    },
  );
}

/** Deletes a working database and its journal side files. */
export async function removeWorkingDb(path: string): Promise<void> {
  await Promise.all(
    ["", "-wal", "-shm", "-journal"].map((suffix) => rm(`${path}${suffix}`, { force: true })),
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A c1z unpacked into a private temporary SQLite database, for the streaming views (diff, access,
 * holders) that query it with their own SQL. The copy is removed by `close`. A second c1z can be
 * attached to the same connection under another schema name, so one query can join two files.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { C1zError } from "./c1z-error.js";
import { readEnvelope } from "./envelope.js";
import { applySchema } from "./schema.js";

export interface UnpackOptions {
  /** Where to unpack; default: the OS temporary directory. */
  readonly tempDir?: string | undefined;
}

/** An open, unpacked c1z. */
export interface UnpackedC1z {
  readonly file: string;
  readonly db: DatabaseSync;
  /**
   * Unpacks `file` and attaches it as `schema` (an identifier chosen by the caller), after
   * completing its schema like the main database's.
   */
  attach(file: string, schema: string): Promise<void>;
  /** Closes the connection and deletes every unpacked copy. Safe to call twice. */
  close(): void;
}

/**
 * Unpacks and opens `file`. Throws a C1zError: "not-found", "not-c1z", "unsupported-format" or
 * "corrupt", each naming the file.
 */
export async function openUnpacked(
  file: string,
  options: UnpackOptions = {},
): Promise<UnpackedC1z> {
  const dirs: string[] = [];
  const removeAll = () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  let db: DatabaseSync | undefined;
  try {
    const path = await unpack(file, options, dirs);
    db = openDatabase(file, path);
  } catch (err) {
    removeAll();
    throw err;
  }
  const main = db;
  let closed = false;
  return {
    file,
    db: main,
    async attach(other, schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
      const path = await unpack(other, options, dirs);
      // The attached copy gets the current schema too, so queries can assume every column.
      openDatabase(other, path).close();
      main.prepare(`attach database ? as ${schema}`).run(path);
    },
    close() {
      if (closed) return;
      closed = true;
      main.close();
      removeAll();
    },
  };
}

async function unpack(file: string, options: UnpackOptions, dirs: string[]): Promise<string> {
  try {
    await stat(file);
  } catch {
    throw new C1zError("not-found", `${file}: no such file`);
  }
  const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), "c1z-view-"));
  dirs.push(dir);
  const path = join(dir, "c1z.sqlite");
  await readEnvelope(file, path);
  return path;
}

/**
 * Opens the unpacked database of `file` at `path` and completes an older file's schema (the copy
 * is private, so that is harmless and lets every query assume the current columns).
 * @throws C1zError "corrupt" when it is not a c1z's database.
 */
export function openDatabase(file: string, path: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    applySchema(db);
    return db;
  } catch (err) {
    db?.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new C1zError("corrupt", `${file}: the database inside is not a c1z (${reason})`, {
      cause: err,
    });
  }
}

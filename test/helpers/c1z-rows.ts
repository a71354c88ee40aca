// Reads a c1z independently of our reader (zlib + node:sqlite), returning each table's rows of the
// latest finished sync as `external_id -> data (hex)`, so two files can be compared row for row.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { zstdDecompressSync } from "node:zlib";

export type TableRows = Record<
  "resource_types" | "resources" | "entitlements" | "grants",
  Map<string, string>
>;

/** Runs `fn` on the c1z's SQLite database, unpacked into a temp dir that is removed after. */
function withC1zDb<T>(file: string, fn: (db: DatabaseSync) => T): T {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 5).toString("latin1") !== "C1ZF\0")
    throw new Error(`${file}: not a C1ZF file`);
  const dir = mkdtempSync(join(tmpdir(), "c1z-rows-"));
  const dbFile = join(dir, "db.sqlite");
  writeFileSync(dbFile, zstdDecompressSync(bytes.subarray(5)));
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    return fn(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every sync run of the file: id, type, parent and whether it finished, oldest first. */
export function c1zSyncRuns(
  file: string,
): { syncId: string; type: string; parent: string; finished: boolean }[] {
  return withC1zDb(file, (db) =>
    db
      .prepare("SELECT sync_id, sync_type, parent_sync_id, ended_at FROM v1_sync_runs ORDER BY id")
      .all()
      .map((r) => ({
        syncId: String(r.sync_id),
        type: String(r.sync_type),
        parent: String(r.parent_sync_id ?? ""),
        finished: r.ended_at !== null,
      })),
  );
}

export function c1zRows(file: string): TableRows {
  return withC1zDb(file, (db) => {
    const run = db
      .prepare(
        "SELECT sync_id FROM v1_sync_runs WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT 1",
      )
      .get() as { sync_id: string } | undefined;
    if (!run) throw new Error(`${file}: no finished sync`);
    const read = (table: string) => {
      const out = new Map<string, string>();
      for (const row of db
        .prepare(`SELECT external_id, data FROM v1_${table} WHERE sync_id = ?`)
        .all(run.sync_id)) {
        out.set(String(row.external_id), Buffer.from(row.data as Uint8Array).toString("hex"));
      }
      return out;
    };
    return {
      resource_types: read("resource_types"),
      resources: read("resources"),
      entitlements: read("entitlements"),
      grants: read("grants"),
    };
  });
}

/** The same rows as plain objects, for toEqual with readable diffs. */
export function rowsAsObject(rows: TableRows): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(rows).map(([t, m]) => [t, Object.fromEntries([...m].sort())]),
  );
}

/**
 * Builds c1z files by hand, bypassing the writer, to test the reader against files shaped like
 * other writers' (the Go SDK strips GrantExpandable from `data`, syncs of several types, …).
 */
import { rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { writeFileAtomically } from "../atomic-file.js";
import { writeEnvelope } from "../envelope.js";
import { applySchema } from "../schema.js";

/** Creates `file` as a v1 c1z whose database `fill` populates (schema already applied). */
export async function writeRawC1z(file: string, fill: (db: DatabaseSync) => void): Promise<void> {
  const dbPath = `${file}.raw.sqlite`;
  const db = new DatabaseSync(dbPath);
  try {
    applySchema(db);
    fill(db);
  } finally {
    db.close();
  }
  try {
    await writeFileAtomically(file, (out) => writeEnvelope(dbPath, out));
  } finally {
    rmSync(dbPath, { force: true });
  }
}

/** Inserts a sync run row. */
export function insertSyncRun(
  db: DatabaseSync,
  run: { syncId: string; type: string; startedAt: string; endedAt?: string; parentSyncId?: string },
): void {
  db.prepare(
    "insert into v1_sync_runs (sync_id, started_at, ended_at, sync_token, sync_type, parent_sync_id) " +
      "values (?, ?, ?, '', ?, ?)",
  ).run(run.syncId, run.startedAt, run.endedAt ?? null, run.type, run.parentSyncId ?? "");
}

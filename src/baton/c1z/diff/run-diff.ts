/**
 * Runs a diff end to end: unpacks the file (or both files, the second attached to the same SQLite
 * connection so one query joins them), picks the two syncs, counts, then streams the changes in
 * the chosen format. Public entry of src/baton/c1z/diff.
 */
import { openUnpacked } from "../unpacked-database.js";
import type { DiffSink, SyncRef } from "./diff-model.js";
import { DiffQueries } from "./diff-queries.js";
import { summarize, walk } from "./diff-walk.js";
import { consoleSink, type Write } from "./render-console.js";
import { jsonSink } from "./render-json.js";
import { markdownSink } from "./render-markdown.js";
import { type DiffSide, pickAcrossFiles, pickInFile } from "./sync-pair.js";

export type { Write } from "./render-console.js";
export { DiffInputError } from "./sync-pair.js";

export const DIFF_FORMATS = ["console", "json", "markdown"] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffRequest {
  /** One file (its two latest full syncs, or `from`/`to`), or the older and the newer file. */
  readonly files: readonly [string] | readonly [string, string];
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly format: DiffFormat;
  readonly tempDir?: string | undefined;
}

/** The schema name the newer file is attached under. */
const NEWER = "newer";

/**
 * Writes the diff to `write`. Throws a DiffInputError for a sync id or file content the user must
 * change, a C1zError for a file that cannot be read.
 */
export async function runDiff(req: DiffRequest, write: Write): Promise<void> {
  const [first, second] = req.files;
  const c1z = await openUnpacked(first, { tempDir: req.tempDir });
  try {
    if (second !== undefined) await c1z.attach(second, NEWER);
    const ids = { from: req.from, to: req.to };
    const { from, to } =
      second === undefined
        ? pickInFile(c1z.db, first, ids)
        : pickAcrossFiles(c1z.db, { old: first, new: second, newSchema: NEWER }, ids);
    const q = new DiffQueries(c1z.db, from, to);
    walk(q, summarize(q), sinkFor(req.format, write), req.format === "json" ? "id" : "largest", {
      from: syncRef(from),
      to: syncRef(to),
    });
  } finally {
    c1z.close();
  }
}

function sinkFor(format: DiffFormat, write: Write): DiffSink {
  switch (format) {
    case "json":
      return jsonSink(write);
    case "markdown":
      return markdownSink(write);
    case "console":
      return consoleSink(write);
  }
}

function syncRef(side: DiffSide): SyncRef {
  return {
    file: side.file,
    syncId: side.run.syncId,
    type: side.run.type,
    startedAt: side.run.startedAt,
    endedAt: side.run.endedAt ?? null,
  };
}

/**
 * The one error type of the c1z layer. Its `code` says what went wrong in a way callers can act
 * on (the CLI prints `message` as one line, the syncer decides whether a run can resume), and its
 * message always names the file and what to do.
 */

export type C1zErrorCode =
  /** The file does not exist. */
  | "not-found"
  /** The file does not start with the v1 magic `C1ZF\0`. */
  | "not-c1z"
  /** The file is a v3 (Pebble) c1z, which this implementation cannot read. */
  | "unsupported-format"
  /** The zstd stream or the SQLite database inside is damaged or too large. */
  | "corrupt"
  /** Another process holds the working database. */
  | "locked"
  /** The store was used after `save()`, `close()` or `abandon()`. */
  | "closed"
  /** A message handed to the writer lacks an id the row needs. */
  | "invalid-argument"
  /** A sync id or sync run that does not exist. */
  | "unknown-sync"
  /** The output cannot be written there: a directory, a missing directory, no permission. */
  | "unwritable";

export class C1zError extends Error {
  override readonly name = "C1zError";
  readonly code: C1zErrorCode;

  constructor(code: C1zErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

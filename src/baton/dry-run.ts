/**
 * The plan of a one-shot change run with `--dry-run`: the calls a connector read on its way and
 * the one write it stopped before. The connector fills it from its API client (any client with a
 * read-through, stop-at-first-write mode will do); the CLI prints it. Knows nothing of Seismic.
 */

/** One call of the plan. */
export interface PlannedCall {
  readonly method: string;
  /** Path and query as sent (or as it would be sent). */
  readonly target: string;
  /** A read: the status and what it found, in a few words. */
  readonly outcome?: string;
  /** A write: its body, secrets redacted. */
  readonly body?: string;
}

export class DryRunRecorder {
  readonly reads: PlannedCall[] = [];
  /** The write the operation stopped before; undefined when it needed none. */
  write: PlannedCall | undefined;

  read(call: PlannedCall): void {
    this.reads.push(call);
  }

  /** Records the write the connector is about to stop at (the first one wins). */
  stopAt(call: PlannedCall): void {
    this.write ??= call;
  }

  /** The plan as lines: every read with its outcome, then the write (with its body). */
  lines(): string[] {
    const out = this.reads.map(
      (r) => `read   ${r.method} ${r.target}${r.outcome ? ` → ${r.outcome}` : ""}`,
    );
    if (this.write) {
      out.push(`write  ${this.write.method} ${this.write.target}`);
      if (this.write.body !== undefined) out.push(`       body ${this.write.body}`);
    }
    return out;
  }
}

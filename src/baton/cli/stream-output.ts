/**
 * Output helpers of the streaming c1z views: a writer that batches small writes into 64 KiB
 * chunks (a diff writes one line per change), and an aligned table that prints as rows arrive,
 * its column widths taken from the first page of rows.
 */
import type { TextWriter } from "./output-sink.js";

const CHUNK = 64 * 1024;

/** Batches writes to `out`; call `flush()` at the end. */
export function bufferedWriter(out: TextWriter): {
  write: (text: string) => void;
  flush: () => void;
} {
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    out.write(pending.join(""));
    pending = [];
    size = 0;
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= CHUNK) flush();
    },
    flush,
  };
}

/** Rows held before the widths are fixed. */
const WIDTH_SAMPLE = 200;

/**
 * An aligned table in the `c1z` views' style (` | ` between padded cells), streamed: the first
 * {@link WIDTH_SAMPLE} rows fix the column widths; a longer cell later only widens its own line.
 */
export class StreamingTable {
  private sample: string[][] | undefined = [];
  private widths: number[] = [];
  rows = 0;

  constructor(
    private readonly header: readonly string[],
    private readonly write: (text: string) => void,
  ) {}

  add(row: readonly string[]): void {
    this.rows++;
    const cells = row.map(oneLine);
    if (this.sample) {
      this.sample.push(cells);
      if (this.sample.length >= WIDTH_SAMPLE) this.release();
    } else this.line(cells);
  }

  /** Prints what is held (the header at least). */
  end(): void {
    if (this.sample) this.release();
  }

  private release(): void {
    const held = [this.header.map(oneLine), ...(this.sample ?? [])];
    this.sample = undefined;
    this.widths = this.header.map((_, i) => Math.max(...held.map((r) => (r[i] ?? "").length)));
    for (const r of held) this.line(r);
  }

  private line(cells: readonly string[]): void {
    const text = this.header
      .map((_, i) => (cells[i] ?? "").padEnd(this.widths[i] ?? 0))
      .join(" | ")
      .trimEnd();
    this.write(`${text}\n`);
  }
}

/** A table cell on one line: line breaks and tabs become a space. */
export function oneLine(cell: string): string {
  return cell.replace(/[\r\n\t]+/g, " ");
}

/**
 * One status line at the bottom of a terminal, redrawn in place (`\r` + erase line), that other
 * output can print above: the logger writes through {@link LiveLine.print}, which lifts the line,
 * writes the log line and puts the status back, so logs and the live progress never garble.
 */

/** The subset of a tty stream the line needs. */
export interface LineStream {
  write(text: string): unknown;
  columns?: number;
}

const ERASE = "\r\x1b[2K";

export class LiveLine {
  #text: string | undefined;

  constructor(private readonly stream: LineStream) {}

  /** Shows (or replaces) the status line, cut to the terminal width so it never wraps. */
  show(text: string): void {
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.#text = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.stream.write(`${ERASE}${this.#text}`);
  }

  /** Removes the status line for good. */
  clear(): void {
    if (this.#text === undefined) return;
    this.#text = undefined;
    this.stream.write(ERASE);
  }

  /** Writes `text` (ending in a newline) above the status line. */
  print(text: string): void {
    if (this.#text === undefined) {
      this.stream.write(text);
      return;
    }
    this.stream.write(`${ERASE}${text}${this.#text}`);
  }
}

/** The process's stderr status line; the logger prints through it. */
export const stderrLine = new LiveLine(process.stderr);

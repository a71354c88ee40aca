/**
 * Streams a command's output in chunks: lines are gathered into ~64 KB writes, a full pipe is
 * waited for (`drain`) instead of buffering without bound, and a reader that goes away (`| head`:
 * EPIPE) ends the output quietly instead of crashing with a stack trace.
 */

/** Anything with a `write(text)`, such as `process.stdout` or a test's capture. */
export interface TextWriter {
  write(text: string): unknown;
  /** Present on streams: lets the sink wait for a full pipe to drain. */
  once?(event: "drain", listener: () => void): unknown;
}

const CHUNK_CHARS = 64 * 1024;

export class OutputSink {
  private buffer: string[] = [];
  private size = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly out: TextWriter) {}

  /** True once the reader went away; callers stop producing output. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Marks the output closed (e.g. on EPIPE) and releases a wait for `drain`. */
  close(): void {
    this.closed = true;
    this.buffer = [];
    this.size = 0;
    this.wake?.();
  }

  /** Queues `text`; writes when a chunk is full. Await it so a slow reader slows the producer. */
  async write(text: string): Promise<void> {
    if (this.closed) return;
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) await this.flush();
  }

  /** Writes what is queued. */
  async flush(): Promise<void> {
    if (this.closed || this.size === 0) return;
    const chunk = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    if (this.out.write(chunk) !== false || !this.out.once) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.out.once?.("drain", resolve);
    });
    this.wake = undefined;
  }
}

/** Sinks on `process.stdout` in use, closed together when the reader goes away. */
const stdoutSinks = new Set<OutputSink>();
let stdoutGone = false;
let stdoutGuarded = false;

/**
 * Listens for EPIPE on `process.stdout` once per process, and for good: the error can arrive
 * after a command wrote its last line and returned, and without a listener it would crash the
 * process with a stack trace after a clean run.
 */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    stdoutGone = true;
    for (const sink of stdoutSinks) sink.close();
  });
}

/**
 * An {@link OutputSink} on `process.stdout` that closes when the reader closes the pipe, and
 * `writer`: plain writes to `process.stdout` that stop once it has, for views that write
 * synchronously (diff, access, holders). Call `release` when the command is done.
 */
export function stdoutSink(): { sink: OutputSink; writer: TextWriter; release: () => void } {
  guardStdout();
  const sink = new OutputSink(process.stdout);
  if (stdoutGone) sink.close();
  stdoutSinks.add(sink);
  const writer: TextWriter = { write: (text) => sink.isClosed || process.stdout.write(text) };
  return { sink, writer, release: () => stdoutSinks.delete(sink) };
}

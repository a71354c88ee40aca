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

/**
 * An {@link OutputSink} on `process.stdout` whose EPIPE (the reader closed the pipe) closes the
 * sink; `release` removes the listener again.
 */
export function stdoutSink(): { sink: OutputSink; release: () => void } {
  const sink = new OutputSink(process.stdout);
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") sink.close();
    else throw err;
  };
  process.stdout.on("error", onError);
  return { sink, release: () => process.stdout.off("error", onError) };
}

// Test support: a clock for the user listing's stall window (user-pages.ts) that moves only when a
// test says so, so "the listing stalled" happens exactly when the test means it, never because the
// machine is slow.
import type { PageTimers } from "../user-pages.js";

export class ManualTimers implements PageTimers {
  #now = 0;

  now(): number {
    return this.#now;
  }
  #next = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.#pending.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Timers waiting to fire. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Moves the clock on by `ms` and runs every timer that is then due, earliest first. */
  advance(ms: number): void {
    this.#now += ms;
    const due = [...this.#pending]
      .filter(([, t]) => t.at <= this.#now)
      .sort(([, a], [, b]) => a.at - b.at);
    for (const [id, t] of due) {
      this.#pending.delete(id);
      t.callback();
    }
  }
}

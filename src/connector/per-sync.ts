/**
 * State that lives for one sync: the user directory and the Reporting snapshot. It is keyed by the
 * host's `activeSyncId`, so a new sync starts fresh even without a Cleanup call in between; a host
 * that sends no sync id gets one instance per connector, dropped by Cleanup.
 */
import type { CallContext } from "../baton/connector.js";

export class PerSync<T> {
  readonly #create: (ctx: Pick<CallContext, "activeSyncId">) => T;
  readonly #dispose: ((value: T) => void) | undefined;
  #key: string | undefined;
  #value: T | undefined;

  constructor(create: (ctx: Pick<CallContext, "activeSyncId">) => T, dispose?: (value: T) => void) {
    this.#create = create;
    this.#dispose = dispose;
  }

  /** The value of the sync `ctx` belongs to, created on first use. */
  get(ctx: Pick<CallContext, "activeSyncId">): T {
    const key = ctx.activeSyncId ?? "";
    if (this.#value === undefined || this.#key !== key) {
      this.drop();
      this.#key = key;
      this.#value = this.#create(ctx);
    }
    return this.#value;
  }

  /** The current value, whatever sync it belongs to, without creating one. */
  peek(): T | undefined {
    return this.#value;
  }

  /** Forgets the value (Cleanup, or a new sync id). */
  drop(): void {
    if (this.#value !== undefined) this.#dispose?.(this.#value);
    this.#value = undefined;
    this.#key = undefined;
  }
}

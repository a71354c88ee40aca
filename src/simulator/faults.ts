// Deterministic fault injection for the API origin: for a given fault seed, the n-th API call
// always gets the same fate (answered, 5xx, dropped, slowed, part of a 429 burst, or a 200 whose
// body is cut short or is not JSON), so a flaky-network test fails the same way every run.

import type { FaultOptions } from "./options.js";
import { Prng } from "./prng.js";

export type FaultDecision =
  | { kind: "none" }
  | { kind: "error"; status: 500 | 502 | 503 }
  | { kind: "drop" }
  | { kind: "slow"; ms: number }
  | { kind: "burst429" }
  /** A successful GET's JSON body cut in half (with a matching Content-Length). */
  | { kind: "truncate" }
  /** A successful GET answered 200 with an HTML page instead of its JSON (a proxy's page). */
  | { kind: "garbage" };

const NONE: FaultDecision = { kind: "none" };
const STATUSES = [500, 502, 503] as const;

/** Throws when rates are outside 0..1, sum above 1, or a burst is malformed. */
export function checkFaults(f: FaultOptions): void {
  const rates = [
    f.serverErrorRate ?? 0,
    f.dropRate ?? 0,
    f.slowRate ?? 0,
    f.truncateRate ?? 0,
    f.garbageRate ?? 0,
  ];
  if (rates.some((r) => !(r >= 0 && r <= 1)) || rates.reduce((a, b) => a + b, 0) > 1) {
    throw new Error("fault rates must each be within 0..1 and sum to at most 1");
  }
  if (f.slowMs !== undefined && !(f.slowMs >= 0)) throw new Error("faults.slowMs must be >= 0");
  const b = f.burst429;
  if (
    b !== undefined &&
    !(Number.isInteger(b.every) && b.every > 0 && b.length >= 0 && b.length <= b.every)
  ) {
    throw new Error("faults.burst429 needs integer every > 0 and 0 <= length <= every");
  }
}

export class FaultInjector {
  private options: FaultOptions | undefined;
  private rng = new Prng(1);
  private n = 0;

  constructor(options: FaultOptions | undefined) {
    this.set(options);
  }

  /** Replaces the fault options and restarts the deterministic sequence. */
  set(options: FaultOptions | undefined): void {
    if (options !== undefined) checkFaults(options);
    this.options = options;
    this.rng = new Prng(options?.seed ?? 1);
    this.n = 0;
  }

  next(): FaultDecision {
    const f = this.options;
    if (f === undefined) return NONE;
    const n = this.n++;
    const b = f.burst429;
    if (b !== undefined && b.length > 0 && n % b.every >= b.every - b.length) {
      return { kind: "burst429" };
    }
    // One draw per call (two for a 5xx), so the sequence depends only on the call index.
    let r = this.rng.next();
    const err = f.serverErrorRate ?? 0;
    if (r < err) return { kind: "error", status: STATUSES[this.rng.int(0, 2)] as 500 | 502 | 503 };
    r -= err;
    const drop = f.dropRate ?? 0;
    if (r < drop) return { kind: "drop" };
    r -= drop;
    const slow = f.slowRate ?? 0;
    if (r < slow) return { kind: "slow", ms: f.slowMs ?? 2000 };
    r -= slow;
    const truncate = f.truncateRate ?? 0;
    if (r < truncate) return { kind: "truncate" };
    r -= truncate;
    if (r < (f.garbageRate ?? 0)) return { kind: "garbage" };
    return NONE;
  }
}

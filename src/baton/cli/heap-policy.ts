/**
 * How far V8 may grow the heap of a connector process. Left alone, V8 sizes the heap for
 * throughput from the machine's memory: on a host with tens of GB it grows the young generation
 * to 2 × 64 MB as soon as much data survives a collection (a sync's pages in flight always do),
 * and lets the old generation grow to 3–4 × the live data between full collections. A
 * 100,000-user sync then held ≈ 650–800 MB of RSS for ≈ 90 MB of live data. Connectors run as
 * sidecars and jobs with memory limits, so the harness trades some CPU (≈ 14 % of a large sync's
 * wall time, see BENCHMARKS.md) for a heap that stays near its live size:
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial size (1 MB per
 *   semi-space) instead of doubling up to its maximum;
 * - `--heap-growing-percent=50`: the old generation may grow to 1.5 × what survived the last full
 *   collection before the next one starts.
 *
 * V8 reads both whenever the heap grows, so setting them at start-up takes effect, also for the
 * worker threads started afterwards; `--max-semi-space-size` would not (it is fixed when the heap
 * is created). An operator's own heap flags, given to `node` or in NODE_OPTIONS, win.
 *
 * Node warns that flags changed after start-up may behave unpredictably. These two are numbers
 * V8's sizing heuristics read (no code or object layout depends on them), and every test and
 * benchmark runs the binary with them. Setting them on the command line instead would only
 * reach users who start the binary through its shebang, not `node dist/src/main.js`.
 */
import { setFlagsFromString } from "node:v8";

/** Flags that already choose how the young generation is sized. */
const YOUNG_GENERATION_FLAGS = [
  "--semi-space-growth-factor",
  "--max-semi-space-size",
  "--min-semi-space-size",
];

/** The V8 flags the policy sets, leaving out those the operator chose a value for. */
export function heapPolicyFlags(execArgv: readonly string[], nodeOptions: string): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map(
    // V8 accepts `_` for `-` in flag names.
    (arg) => arg.split("=")[0]?.replaceAll("_", "-") ?? "",
  );
  const flags: string[] = [];
  if (!given.some((name) => YOUNG_GENERATION_FLAGS.includes(name))) {
    flags.push("--semi-space-growth-factor=1");
  }
  if (!given.includes("--heap-growing-percent")) flags.push("--heap-growing-percent=50");
  return flags;
}

/**
 * Applies the policy to this process. Call it first in the binary's entry point and import the
 * rest afterwards: loading the modules alone is enough for V8 to grow the young generation.
 */
export function applyHeapPolicy(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
): void {
  for (const flag of heapPolicyFlags(execArgv, nodeOptions)) setFlagsFromString(flag);
}

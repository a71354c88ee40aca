/**
 * Runs a one-shot change, or with `--dry-run` plans it: the connector reads as usual and stops at
 * its first write, and the plan (the reads, then that write, or "nothing to do" when none is
 * needed) is printed instead of the operation's own result. Shared by provisioning operations and
 * actions, so every one-shot change honours `--dry-run` the same way.
 */
import { DryRunRecorder } from "../dry-run.js";
import type { RunContext } from "./run-context.js";

/** Where an operation prints: result lines on stdout, failure lines on stderr. */
export interface OperationOutput {
  out(line: string): void;
  err(line: string): void;
}

/** One change; `dryRun` is handed to the connector when set. Returns the exit code. */
export type Operation = (io: OperationOutput, dryRun?: DryRunRecorder) => Promise<number>;

/** Runs `operation`, or plans it when `--dry-run` is set; returns the exit code. */
export async function runOrPlan(ctx: RunContext, operation: Operation): Promise<number> {
  const print = (line: string) => process.stdout.write(`${ctx.scrubber.scrub(line)}\n`);
  const printErr = (line: string) => process.stderr.write(`${ctx.scrubber.scrub(line)}\n`);
  if (!ctx.config.dryRun) return operation({ out: print, err: printErr });
  const plan = new DryRunRecorder();
  const outcome: string[] = [];
  const failures: string[] = [];
  let failure: unknown;
  let code = 0;
  try {
    code = await operation(
      { out: (line) => outcome.push(line), err: (line) => failures.push(line) },
      plan,
    );
  } catch (e) {
    failure = e;
  }
  if (plan.reads.length > 0 || plan.write) print("dry run: nothing was changed");
  for (const line of plan.lines()) print(line);
  // The plan ends at its first write, whatever the operation reported after the stop.
  if (plan.write) {
    print(
      "stopped before this write; without --dry-run the operation makes it, then reads the result back to verify it",
    );
    return 0;
  }
  if (failure !== undefined) throw failure;
  for (const line of outcome) print(line);
  for (const line of failures) printErr(line);
  if (code !== 0) return code;
  print("nothing to do: no write is needed");
  return 0;
}

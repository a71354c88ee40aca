/**
 * The one exit-code rule of every command: 0 success, 2 bad input (a flag, an environment
 * variable, a config file, a file given that is not what it should be), 1 a run that failed
 * (a refused credential, an unreachable host, a failed call, a damaged or busy file).
 */
import { C1zError, type C1zErrorCode } from "../c1z/c1z-error.js";
import { UsageError } from "../usage-error.js";

export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** c1z errors that mean the file or id the user named is wrong, not that the run failed. */
const BAD_INPUT_C1Z: readonly C1zErrorCode[] = [
  "not-found",
  "not-c1z",
  "unsupported-format",
  "unknown-sync",
  "unwritable",
];

/** The exit code of a command that failed with `err`. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return err.exitCode;
  if (err instanceof C1zError)
    return BAD_INPUT_C1Z.includes(err.code) ? EXIT_BAD_INPUT : EXIT_FAILED;
  return EXIT_FAILED;
}

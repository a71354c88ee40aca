/**
 * The error for a mistake by the person running a command (a flag, an environment variable, a
 * config file): printed as one line that names what to fix, never with a stack trace. Its own
 * module, with no imports, so the lean `health` probe can use it without loading the runtime.
 */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    /** Process exit code: 2 for bad flags or config, 1 for anything else the user must fix. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

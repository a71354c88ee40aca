/**
 * The logging surface of the Baton runtime: the subset of pino's API the server uses, so the CLI
 * injects its pino logger (with secret redaction) and tests inject nothing.
 */

/** A pino-compatible logger: structured fields first, then the message. */
export interface BatonLogger {
  /** Routine events an operator only wants when debugging (optional: pino has it). */
  debug?(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** A logger that drops everything; the default when the caller injects none. */
export const silentLogger: BatonLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

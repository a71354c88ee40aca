// The logging surface the Seismic client writes to. It is the subset of pino's API the client
// uses, so callers inject their pino logger; the client never logs secrets through it.

/** A pino-compatible logger: structured fields first, then the message. */
export interface SeismicLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
}

/** A logger that drops everything; the default when the caller injects none. */
export const silentLogger: SeismicLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
};

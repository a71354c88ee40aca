/**
 * The logger service mode writes to: pino's call shape (fields, then message) with debug, so the
 * CLI injects its scrubbing pino logger and tests a recording one.
 */
import type { BatonLogger } from "../logger.js";

export interface ServiceLogger extends BatonLogger {
  debug(fields: object, message?: string): void;
}

/**
 * Per-invocation setup shared by every command: resolve the configuration, make the logger with
 * secret scrubbing, and turn failures into one clear line and an exit code.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { UsageError } from "../errors.js";
import { SyncCallError } from "../sync/call-with-retry.js";
import type { ConnectorDefinition } from "./definition.js";
import { camelName, type Field } from "./fields.js";
import { createLogger, type Logger, SecretScrubber } from "./logger.js";
import { resolveConfig } from "./resolve-config.js";
import { standardFields } from "./standard-fields.js";

export interface RunContext {
  config: Record<string, unknown>;
  logger: Logger;
  scrubber: SecretScrubber;
  fields: readonly Field[];
}

/** Every field the CLI knows: the standard ones, then the connector's. */
export function allFields(def: ConnectorDefinition): Field[] {
  return [...standardFields, ...def.fields];
}

/** Resolves configuration and builds the logger for one command. */
export function makeRunContext(
  def: ConnectorDefinition,
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): RunContext {
  const fields = allFields(def);
  const { values } = resolveConfig(fields, flags, env);
  const scrubber = new SecretScrubber();
  for (const f of fields)
    if (f.secret) scrubber.add(values[camelName(f.name)] as string | undefined);
  const format =
    (values.logFormat as "json" | "console" | undefined) ??
    (process.stderr.isTTY ? "console" : "json");
  const logger = createLogger({ level: String(values.logLevel ?? "info"), format, scrubber });
  return { config: values, logger, scrubber, fields };
}

/**
 * Prints a failure as one line on stderr and returns the exit code. User errors never show a
 * stack; other errors show one only at debug level.
 */
export function reportFailure(err: unknown, scrubber: SecretScrubber, debug: boolean): number {
  const write = (s: string) => process.stderr.write(`${scrubber.scrub(s)}\n`);
  if (err instanceof UsageError) {
    write(`error: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof SyncCallError) {
    write(`error: ${err.message}`);
    return 1;
  }
  if (err instanceof ConnectError) {
    write(`error: ${Code[err.code]}: ${err.rawMessage}`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`error: ${message}`);
  if (debug && err instanceof Error && err.stack) write(err.stack);
  return 1;
}

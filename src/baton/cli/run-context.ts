/**
 * Per-invocation setup shared by every command: resolve the configuration, make the logger with
 * secret scrubbing, and turn failures into one clear line and an exit code.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { C1zError } from "../c1z/c1z-error.js";
import { UsageError } from "../errors.js";
import { SyncCallError } from "../sync/call-with-retry.js";
import type { ConnectorDefinition } from "./definition.js";
import { exitCodeOf } from "./exit-codes.js";
import { camelName, type Field } from "./fields.js";
import { createLogger, type Logger, SecretScrubber } from "./logger.js";
import { resolveConfig } from "./resolve-config.js";
import { standardFields } from "./standard-fields.js";
import { unknownBatonVariables } from "./unknown-env.js";

export interface RunContext {
  config: Record<string, unknown>;
  logger: Logger;
  scrubber: SecretScrubber;
  fields: readonly Field[];
  /** The log format in use; the live progress display only runs with `console`. */
  format: "json" | "console";
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
  const { values, sources } = resolveConfig(fields, flags, env);
  const scrubber = new SecretScrubber();
  for (const f of fields)
    if (f.secret) scrubber.add(values[camelName(f.name)] as string | undefined);
  const format =
    (values.logFormat as "json" | "console" | undefined) ??
    (process.stderr.isTTY ? "console" : "json");
  const logger = createLogger({ level: String(values.logLevel ?? "info"), format, scrubber });
  for (const { name, hint } of unknownBatonVariables(env, fields))
    logger.warn(
      { variable: name },
      `${name} is not a setting of ${def.name}${hint}; it is ignored`,
    );
  // Where each setting came from, for "why is it using that value?"; secrets show as a marker.
  logger.debug(
    {
      config: Object.fromEntries(
        fields
          .map((f) => [camelName(f.name), f] as const)
          .filter(([key]) => sources[key] !== undefined && sources[key] !== "default")
          .map(([key, f]) => [
            f.name,
            { from: sources[key], value: f.secret ? "[REDACTED]" : values[key] },
          ]),
      ),
    },
    "configuration resolved (flag > env > file > default; defaults not shown)",
  );
  return { config: values, logger, scrubber, fields, format };
}

/**
 * Prints a failure as one line on stderr and returns the exit code (see exit-codes.ts). No stack
 * is ever printed as text: with `--log-level debug` (`logger` given) the cause chain, with the
 * innermost stack frames, follows as one log record whose `causes` and `stack` fields hold them,
 * so JSON logs stay JSON.
 */
export function reportFailure(err: unknown, scrubber: SecretScrubber, logger?: Logger): number {
  const write = (s: string) => process.stderr.write(`${scrubber.scrub(s)}\n`);
  const code = exitCodeOf(err);
  if (err instanceof UsageError || err instanceof C1zError || err instanceof SyncCallError) {
    write(`error: ${err.message}`);
  } else if (err instanceof ConnectError) {
    write(`error: ${Code[err.code]}: ${err.rawMessage}`);
  } else {
    write(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (logger && !(err instanceof UsageError)) {
    const { causes, stack } = causeChain(err);
    logger.debug({ causes, stack }, "cause chain of the error above");
  }
  return code;
}

/** Each cause below `err` (`[code] message`, repeats left out) and the innermost's stack frames. */
export function causeChain(err: unknown): { causes: string[]; stack: string[] } {
  const causes: string[] = [];
  let stack: string[] = [];
  let shown = err instanceof Error ? err.message : String(err);
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (depth > 0) {
      const code = (e as { code?: unknown }).code;
      const message = e instanceof Error ? e.message : String(e);
      // Wrappers often repeat their cause's message; only new information is worth an entry.
      if (!shown.includes(message))
        causes.push(`${code !== undefined ? `[${String(code)}] ` : ""}${message}`);
      shown = message;
    }
    if (e instanceof Error && e.stack)
      stack = e.stack
        .split("\n")
        .slice(1, 9)
        .map((l) => l.trim());
    e = (e as { cause?: unknown }).cause;
  }
  return { causes, stack };
}

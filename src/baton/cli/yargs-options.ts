/**
 * Generates yargs options from the field table. Options carry no yargs defaults on purpose: the
 * resolver applies defaults after environment and config file, so a flag that was not typed never
 * hides an environment variable.
 */
import type { Options } from "yargs";
import type { Field } from "./fields.js";
import { envName } from "./fields.js";

const TYPES = {
  string: "string",
  boolean: "boolean",
  integer: "number",
  "string-list": "array",
} as const;

/** yargs option definitions keyed by flag name. */
export function yargsOptions(fields: readonly Field[]): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const f of fields) {
    const def =
      f.default === undefined
        ? ""
        : ` [default: ${Array.isArray(f.default) ? f.default.join(",") : String(f.default)}]`;
    out[f.name] = {
      type: TYPES[f.kind],
      describe: `${f.description} (env ${envName(f.name)})${def}`,
      group: `${f.group}:`,
      hidden: f.hidden ?? false,
      ...(f.alias ? { alias: f.alias } : {}),
      ...(f.kind === "string-list" ? { string: true } : {}),
      ...(f.choices ? { choices: [...f.choices] } : {}),
    };
  }
  return out;
}

/** The flags a user actually typed, keyed by camelCase name (yargs also adds aliases and `_`). */
export function typedFlags(
  argv: Record<string, unknown>,
  fields: readonly Field[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const camel = f.name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (argv[camel] !== undefined) out[camel] = argv[camel];
  }
  return out;
}

/**
 * Generates yargs options from the field table. Options carry no yargs defaults on purpose: the
 * resolver applies defaults after environment and config file, so a flag that was not typed never
 * hides an environment variable. Choices and integers are validated by the resolver too (not by
 * yargs), so a bad value gets the same one-line message, naming flag and env, from every source.
 */
import type { Options } from "yargs";
import type { Field } from "./fields.js";
import { camelName, envName } from "./fields.js";

function helpSuffix(f: Field): string {
  const parts: string[] = [];
  if (f.kind === "integer") parts.push("[integer]");
  if (f.choices) parts.push(`[choices: ${f.choices.join(", ")}]`);
  if (f.default !== undefined)
    parts.push(`[default: ${Array.isArray(f.default) ? f.default.join(",") : String(f.default)}]`);
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

/** yargs option definitions keyed by flag name. */
export function yargsOptions(fields: readonly Field[]): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const f of fields) {
    out[f.name] = {
      // Integers stay untyped: yargs would turn "abc" into NaN and lose what the user typed.
      ...(f.kind === "integer" ? { requiresArg: true } : { type: TYPES[f.kind] }),
      describe: `${f.description} (env ${envName(f.name)})${helpSuffix(f)}`,
      group: `${f.group}:`,
      hidden: f.hidden ?? false,
      ...(f.alias ? { alias: f.alias } : {}),
      ...(f.kind === "string-list" ? { string: true } : {}),
    };
  }
  return out;
}

const TYPES = {
  string: "string",
  boolean: "boolean",
  "string-list": "array",
} as const;

/**
 * The flags a user actually typed, keyed by camelCase name (yargs also adds aliases and `_`). A
 * single-valued flag given twice keeps its last value, as cobra does.
 */
export function typedFlags(
  argv: Record<string, unknown>,
  fields: readonly Field[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const camel = camelName(f.name);
    const v = argv[camel];
    if (v === undefined) continue;
    out[camel] = f.kind !== "string-list" && Array.isArray(v) ? v[v.length - 1] : v;
  }
  return out;
}

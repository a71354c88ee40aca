/**
 * Resolves configuration from flags, `BATON_*` environment variables, a YAML or JSON config file
 * and defaults, in that order of precedence, then validates it with a zod schema generated from
 * the field table. Every problem is reported in one message that names the flag and the
 * environment variable (or the config file key) and what to do.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { camelName, describeSource, envName, type Field } from "./fields.js";

/** Where each value came from, for `--log-level debug` diagnostics. */
export type ValueSource = "flag" | "env" | "file" | "default";

export interface ResolvedConfig {
  values: Record<string, unknown>;
  sources: Record<string, ValueSource>;
}

function schemaFor(f: Field): z.ZodType {
  switch (f.kind) {
    case "boolean":
      return z.boolean();
    case "integer": {
      let s = z.number().int();
      if (f.min !== undefined) s = s.min(f.min);
      if (f.max !== undefined) s = s.max(f.max);
      return s;
    }
    case "string-list":
      return z.array(z.string());
    case "string":
      return f.choices ? z.enum(f.choices as [string, ...string[]]) : z.string();
  }
}

/** The zod schema of a whole configuration, generated from the fields. */
export function configSchema(fields: readonly Field[]): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) shape[camelName(f.name)] = schemaFor(f).optional();
  return z.object(shape).strict();
}

/** Parses a text value (env var or config file string) into the field's kind. */
function fromText(f: Field, text: string, where: string): unknown {
  switch (f.kind) {
    case "boolean": {
      const t = text.trim().toLowerCase();
      if (["true", "1", "yes"].includes(t)) return true;
      if (["false", "0", "no", ""].includes(t)) return false;
      throw new UsageError(
        `${where}: expected true or false, got "${f.secret ? "<redacted>" : text}"`,
      );
    }
    case "integer": {
      const n = text.trim() === "" ? Number.NaN : Number(text.trim());
      if (!Number.isInteger(n))
        throw new UsageError(`${where}: expected ${expectation(f)}, got "${text}"`);
      return n;
    }
    case "string-list":
      return text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "string":
      return text;
  }
}

/** How a config file was chosen, to name it in errors: the flag, an env variable or the default. */
export type ConfigOrigin = "--config" | "BATON_CONFIG" | "BATON_CONFIG_PATH" | ".baton.yaml";

function originLabel(origin: ConfigOrigin): string {
  switch (origin) {
    case "--config":
    case "BATON_CONFIG":
      return "--config (BATON_CONFIG)";
    case "BATON_CONFIG_PATH":
      return "BATON_CONFIG_PATH";
    case ".baton.yaml":
      return "config file ./.baton.yaml";
  }
}

/** Reads a config file (YAML or JSON) into flag-name keys. */
export function readConfigFile(
  path: string,
  fields: readonly Field[],
  origin: ConfigOrigin = "--config",
): Record<string, unknown> {
  const label = originLabel(origin);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(
      code === "ENOENT"
        ? `${label}: file "${path}" does not exist; check the path`
        : `${label}: cannot read "${path}" (${code ?? String(e)}); it must be a readable YAML or JSON file`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split("\n")[0]?.replace(/:$/, "");
    throw new UsageError(`${label}: "${path}" is not valid YAML or JSON: ${first}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new UsageError(
      `${label}: "${path}" must hold a mapping of flag names to values, such as "log-level: debug"`,
    );
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const f = byName.get(key) ?? byName.get(key.replace(/_/g, "-"));
    if (!f)
      throw new UsageError(
        `${label}: "${path}" has an unknown key "${key}"${suggestion(key, [...byName.keys()])}; keys are flag names such as "file" or "log-level"`,
      );
    const where = `"${key}" in ${path}`;
    if (typeof value === "string" && f.kind !== "string") out[f.name] = fromText(f, value, where);
    else if (f.kind === "string-list" && Array.isArray(value)) out[f.name] = value.map(String);
    else if (f.kind === "string" && (typeof value === "number" || typeof value === "boolean"))
      out[f.name] = String(value);
    else out[f.name] = value;
  }
  return out;
}

/** `; did you mean "x"?` when one known name is a couple of edits away. */
export function suggestion(given: string, known: readonly string[], prefix = ""): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(given, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? "" : ` (did you mean ${prefix}${best}?)`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** What a bad value should have been, in words. */
function expectation(f: Field): string {
  if (f.choices) return `one of ${f.choices.join(", ")}`;
  switch (f.kind) {
    case "boolean":
      return "true or false";
    case "string-list":
      return "a comma-separated list";
    case "string":
      return "a string";
    case "integer":
      if (f.min !== undefined && f.max !== undefined)
        return `a whole number from ${f.min} to ${f.max}`;
      if (f.min !== undefined) return `a whole number >= ${f.min}`;
      if (f.max !== undefined) return `a whole number <= ${f.max}`;
      return "a whole number";
  }
}

function shown(f: Field, value: unknown): string {
  if (f.secret) return "<redacted>";
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/**
 * Merges the sources for each field (flag > env > file > default) and validates the result.
 * `flags` holds only the flags the user actually passed (yargs is configured without defaults).
 */
export function resolveConfig(
  fields: readonly Field[],
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): ResolvedConfig {
  const chosen: [string, ConfigOrigin] | undefined =
    typeof flags.config === "string"
      ? [flags.config, "--config"]
      : env.BATON_CONFIG
        ? [env.BATON_CONFIG, "BATON_CONFIG"]
        : env.BATON_CONFIG_PATH
          ? [env.BATON_CONFIG_PATH, "BATON_CONFIG_PATH"]
          : existsSync(".baton.yaml")
            ? [".baton.yaml", ".baton.yaml"]
            : undefined;
  const configPath = chosen?.[0];
  const file = chosen ? readConfigFile(chosen[0], fields, chosen[1]) : {};
  const values: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  for (const f of fields) {
    const key = camelName(f.name);
    const envValue = env[envName(f.name)];
    if (flags[key] !== undefined) {
      values[key] = fromFlag(f, flags[key]);
      sources[key] = "flag";
    } else if (envValue !== undefined && envValue !== "") {
      values[key] = fromText(f, envValue, describeSource(f));
      sources[key] = "env";
    } else if (file[f.name] !== undefined) {
      values[key] = file[f.name];
      sources[key] = "file";
    } else if (f.default !== undefined) {
      values[key] = Array.isArray(f.default) ? [...f.default] : f.default;
      sources[key] = "default";
    }
  }
  const parsed = configSchema(fields).safeParse(values);
  if (!parsed.success) {
    const byKey = new Map(fields.map((f) => [camelName(f.name), f]));
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (seen.has(key)) continue;
      seen.add(key);
      const f = byKey.get(key);
      if (!f) {
        lines.push(issue.message);
        continue;
      }
      const from = sources[key] === "file" ? ` (from ${configPath})` : "";
      lines.push(
        `${describeSource(f)}${from}: expected ${expectation(f)}, got ${shown(f, values[key])}`,
      );
    }
    throw new UsageError(
      lines.length === 1 ? String(lines[0]) : `invalid configuration:\n  ${lines.join("\n  ")}`,
    );
  }
  return { values: parsed.data as Record<string, unknown>, sources };
}

/** A typed flag's value in the field's kind (yargs leaves integers and repeated lists raw). */
function fromFlag(f: Field, value: unknown): unknown {
  if (f.kind === "string-list")
    return [value]
      .flat()
      .flatMap((v) => String(v).split(","))
      .map((s) => s.trim())
      .filter(Boolean);
  if (f.kind === "integer" && typeof value === "string")
    return fromText(f, value, describeSource(f));
  return value;
}

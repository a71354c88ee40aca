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
      const n = Number(text.trim());
      if (!Number.isInteger(n))
        throw new UsageError(`${where}: expected a whole number, got "${text}"`);
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

/** Reads a config file (YAML or JSON) into flag-name keys. */
export function readConfigFile(path: string, fields: readonly Field[]): Record<string, unknown> {
  if (!existsSync(path))
    throw new UsageError(`--config (BATON_CONFIG): file "${path}" does not exist`);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(
      `--config: "${path}" is not valid YAML or JSON: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new UsageError(`--config: "${path}" must hold a mapping of flag names to values`);
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const f = byName.get(key) ?? byName.get(key.replace(/_/g, "-"));
    if (!f)
      throw new UsageError(
        `--config: "${path}" has an unknown key "${key}"; keys are flag names such as "file" or "log-level"`,
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

/**
 * Merges the sources for each field (flag > env > file > default) and validates the result.
 * `flags` holds only the flags the user actually passed (yargs is configured without defaults).
 */
export function resolveConfig(
  fields: readonly Field[],
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): ResolvedConfig {
  const configPath =
    (flags.config as string | undefined) ??
    env.BATON_CONFIG ??
    env.BATON_CONFIG_PATH ??
    (existsSync(".baton.yaml") ? ".baton.yaml" : undefined);
  const file = configPath ? readConfigFile(configPath, fields) : {};
  const values: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  for (const f of fields) {
    const key = camelName(f.name);
    const envValue = env[envName(f.name)];
    if (flags[key] !== undefined) {
      values[key] =
        f.kind === "string-list"
          ? [flags[key]]
              .flat()
              .flatMap((v) => String(v).split(","))
              .map((s) => s.trim())
              .filter(Boolean)
          : flags[key];
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
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      const f = byKey.get(key);
      const from = sources[key] === "file" ? ` (from ${configPath})` : "";
      return f ? `${describeSource(f)}${from}: ${issue.message}` : issue.message;
    });
    throw new UsageError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return { values: parsed.data as Record<string, unknown>, sources };
}

// Configuration precedence (flag > env > file > default) and every config error message: each names
// the flag and its BATON_* variable (or the file and key) and what was expected.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../c1z/test-support/temp-dir.js";
import { UsageError } from "../errors.js";
import type { Field } from "./fields.js";
import { readConfigFile, resolveConfig, suggestion } from "./resolve-config.js";
import { standardFields } from "./standard-fields.js";
import { typedFlags } from "./yargs-options.js";

const connectorFields: Field[] = [
  { name: "api-key", kind: "string", group: "Connector", secret: true, description: "Key." },
  {
    name: "page-size",
    kind: "integer",
    group: "Connector",
    min: 1,
    max: 100,
    default: 50,
    description: "Size.",
  },
  {
    name: "mode",
    kind: "string",
    group: "Connector",
    choices: ["a", "b"],
    default: "a",
    description: "Mode.",
  },
];
const fields = [...standardFields, ...connectorFields];

function configFile(text: string, name = "baton.yaml"): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

/** The UsageError message of `fn`, failing the test when it does not throw one. */
function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("precedence", () => {
  it("takes a flag over env over file over default, per field", () => {
    const file = configFile("workers: 3\nlog-level: warn\nfile: from-file.c1z\npage-size: 7\n");
    const { values, sources } = resolveConfig(
      fields,
      { config: file, workers: 9 },
      { BATON_LOG_LEVEL: "error", BATON_WORKERS: "5", BATON_FILE: "" },
    );
    expect(values).toMatchObject({
      workers: 9, // flag beats env and file
      logLevel: "error", // env beats file
      file: "from-file.c1z", // an empty env var does not count
      pageSize: 7, // file beats default
      mode: "a", // default
    });
    expect(sources).toMatchObject({
      workers: "flag",
      logLevel: "env",
      file: "file",
      pageSize: "file",
      mode: "default",
    });
  });

  it("reads JSON and YAML, flag-name keys (or snake_case), lists from arrays or commas", () => {
    const json = configFile(
      '{"sync-resource-types": ["user", "group"], "skip_entitlements_and_grants": "true"}',
      "c.json",
    );
    expect(resolveConfig(fields, { config: json }, {}).values).toMatchObject({
      syncResourceTypes: ["user", "group"],
      skipEntitlementsAndGrants: true,
    });
    expect(
      resolveConfig(
        fields,
        {},
        { BATON_SYNC_RESOURCE_TYPES: "user, group ,", BATON_PROVISIONING: "1" },
      ).values,
    ).toMatchObject({ syncResourceTypes: ["user", "group"], provisioning: true });
  });

  it("finds the file through BATON_CONFIG and BATON_CONFIG_PATH", () => {
    const file = configFile("workers: 2\n");
    expect(resolveConfig(fields, {}, { BATON_CONFIG: file }).values.workers).toBe(2);
    expect(resolveConfig(fields, {}, { BATON_CONFIG_PATH: file }).values.workers).toBe(2);
  });

  it("keeps the last value of a single-valued flag typed twice, and every value of a list", () => {
    expect(
      typedFlags({ file: ["a.c1z", "b.c1z"], syncResourceTypes: ["user", "group"], _: [] }, fields),
    ).toEqual({ file: "b.c1z", syncResourceTypes: ["user", "group"] });
  });
});

describe("error messages", () => {
  it("names flag and env for a bad integer, range or choice from any source", () => {
    expect(usageError(() => resolveConfig(fields, { workers: "abc" }, {}))).toBe(
      '--workers (BATON_WORKERS): expected a whole number from 1 to 32, got "abc"',
    );
    expect(usageError(() => resolveConfig(fields, {}, { BATON_WORKERS: "1.5" }))).toBe(
      '--workers (BATON_WORKERS): expected a whole number from 1 to 32, got "1.5"',
    );
    expect(usageError(() => resolveConfig(fields, { workers: 0 }, {}))).toBe(
      "--workers (BATON_WORKERS): expected a whole number from 1 to 32, got 0",
    );
    expect(usageError(() => resolveConfig(fields, {}, { BATON_LOG_FORMAT: "xml" }))).toBe(
      '--log-format (BATON_LOG_FORMAT): expected one of json, console, got "xml"',
    );
    expect(usageError(() => resolveConfig(fields, {}, { BATON_PROVISIONING: "maybe" }))).toBe(
      '--provisioning (BATON_PROVISIONING): expected true or false, got "maybe"',
    );
  });

  it("lists every bad field at once, and says which file a bad value came from", () => {
    const file = configFile("page-size: 500\n");
    expect(usageError(() => resolveConfig(fields, { config: file, mode: "c" }, {}))).toBe(
      `invalid configuration:\n  --page-size (BATON_PAGE_SIZE) (from ${file}): expected a whole number from 1 to 100, got 500\n  --mode (BATON_MODE): expected one of a, b, got "c"`,
    );
  });

  it("never echoes a secret value", () => {
    const message = usageError(() => resolveConfig(fields, { apiKey: 12345678 }, {}));
    expect(message).toBe("--api-key (BATON_API_KEY): expected a string, got <redacted>");
  });

  it("explains each config file problem, naming how the file was chosen", () => {
    const dir = tempDir();
    expect(usageError(() => resolveConfig(fields, { config: join(dir, "nope.yaml") }, {}))).toBe(
      `--config (BATON_CONFIG): file "${join(dir, "nope.yaml")}" does not exist; check the path`,
    );
    mkdirSync(join(dir, "a-directory"));
    expect(
      usageError(() => resolveConfig(fields, {}, { BATON_CONFIG_PATH: join(dir, "a-directory") })),
    ).toBe(
      `BATON_CONFIG_PATH: cannot read "${join(dir, "a-directory")}" (EISDIR); it must be a readable YAML or JSON file`,
    );
    const broken = configFile("workers: [\n");
    expect(usageError(() => readConfigFile(broken, fields))).toMatch(
      new RegExp(`^--config \\(BATON_CONFIG\\): "${broken}" is not valid YAML or JSON: .+[^:]$`),
    );
    const list = configFile("- workers\n");
    expect(usageError(() => readConfigFile(list, fields))).toBe(
      `--config (BATON_CONFIG): "${list}" must hold a mapping of flag names to values, such as "log-level: debug"`,
    );
    const typo = configFile("log-levle: debug\n");
    expect(usageError(() => readConfigFile(typo, fields))).toBe(
      `--config (BATON_CONFIG): "${typo}" has an unknown key "log-levle" (did you mean log-level?); keys are flag names such as "file" or "log-level"`,
    );
    const badText = configFile("workers: many\n");
    expect(usageError(() => readConfigFile(badText, fields))).toBe(
      `"workers" in ${badText}: expected a whole number from 1 to 32, got "many"`,
    );
  });

  it("an empty config file is no configuration", () => {
    expect(readConfigFile(configFile(""), fields)).toEqual({});
  });
});

describe("suggestion", () => {
  it("offers a name within two edits, else nothing", () => {
    expect(suggestion("seismic-tenat", ["seismic-tenant", "file"], "--")).toBe(
      " (did you mean --seismic-tenant?)",
    );
    expect(suggestion("completely-else", ["seismic-tenant", "file"])).toBe("");
  });
});

// The Baton CLI harness as an operator meets it, through the fixture binary: flag > env > file >
// default precedence end to end, one short message naming flag and env for every user mistake
// (exit 2, no stack trace), fast failure for unreachable addresses and busy ports, and the
// `config` / `capabilities` documents of both binaries.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { fixtureBin, run, seismicBin } from "./helpers/run-bin.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The `configuration resolved` debug line of a run, as { flag: { from, value } }. */
function resolved(stderr: string): Record<string, { from: string; value: unknown }> {
  const line = stderr
    .split("\n")
    .map((l) => (l.startsWith("{") ? (JSON.parse(l) as Record<string, unknown>) : {}))
    .find((l) => String(l.msg).startsWith("configuration resolved"));
  if (!line) throw new Error(`no configuration line in:\n${stderr}`);
  return line.config as Record<string, { from: string; value: unknown }>;
}

/** Asserts a user error: exit 2, one `error:` line (plus the --help hint for yargs errors). */
function expectUsageError(
  r: { code: number | null; stderr: string; stdout: string },
  line: string,
) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n")[0]).toBe(`error: ${line}`);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe("precedence through the binary", () => {
  it("takes flag over env over config file over default", async () => {
    const config = join(dir, "baton.yaml");
    writeFileSync(config, "workers: 3\nsync-resource-types: user\nfile: from-file.c1z\n");
    const r = await run(
      fixtureBin,
      ["--config", config, "--workers", "7", "--log-level", "debug", "--file", join(dir, "s.c1z")],
      { BATON_WORKERS: "5", BATON_SYNC_RESOURCE_TYPES: "user,group", BATON_LOG_FORMAT: "json" },
    );
    expect(r.code).toBe(0);
    const c = resolved(r.stderr);
    expect(c.workers).toEqual({ from: "flag", value: 7 });
    expect(c["sync-resource-types"]).toEqual({ from: "env", value: ["user", "group"] });
    expect(c.file).toEqual({ from: "flag", value: join(dir, "s.c1z") });
    expect(c["log-level"]).toEqual({ from: "flag", value: "debug" });
    // Defaults are not listed; the file's value shows when nothing overrides it.
    const fromFile = await run(fixtureBin, ["--log-level", "debug", "--file", join(dir, "t.c1z")], {
      BATON_CONFIG: config,
    });
    expect(resolved(fromFile.stderr).workers).toEqual({ from: "file", value: 3 });
    expect(resolved(fromFile.stderr).provisioning).toBeUndefined();
  });
});

describe("user errors", () => {
  it("unknown flags, missing values, bad choices and bad numbers", async () => {
    expectUsageError(
      await run(fixtureBin, ["--wokers", "2"]),
      "unknown flag --wokers (did you mean --workers?)",
    );
    expectUsageError(
      await run(fixtureBin, ["bogus-command"]),
      'unknown command or argument "bogus-command"',
    );
    expectUsageError(await run(fixtureBin, ["--workers"]), "--workers needs a value");
    expectUsageError(
      await run(fixtureBin, ["--log-level", "loud"]),
      '--log-level (BATON_LOG_LEVEL): expected one of debug, info, warn, error, got "loud"',
    );
    expectUsageError(
      await run(fixtureBin, ["--workers", "lots"]),
      '--workers (BATON_WORKERS): expected a whole number from 1 to 32, got "lots"',
    );
    expectUsageError(
      await run(fixtureBin, [], { BATON_WORKERS: "-1" }),
      "--workers (BATON_WORKERS): expected a whole number from 1 to 32, got -1",
    );
  });

  it("config file problems name the file and the fix", async () => {
    const missing = join(dir, "missing.yaml");
    expectUsageError(
      await run(fixtureBin, ["--config", missing]),
      `--config (BATON_CONFIG): file "${missing}" does not exist; check the path`,
    );
    expectUsageError(
      await run(fixtureBin, [], { BATON_CONFIG: dir }),
      `--config (BATON_CONFIG): cannot read "${dir}" (EISDIR); it must be a readable YAML or JSON file`,
    );
    const unknownKey = join(dir, "unknown.yaml");
    writeFileSync(unknownKey, "log-levl: debug\n");
    expectUsageError(
      await run(fixtureBin, ["--config", unknownKey]),
      `--config (BATON_CONFIG): "${unknownKey}" has an unknown key "log-levl" (did you mean log-level?); keys are flag names such as "file" or "log-level"`,
    );
    const badValue = join(dir, "bad.json");
    writeFileSync(badValue, '{"workers": 100}');
    expectUsageError(
      await run(fixtureBin, ["--config", badValue]),
      `--workers (BATON_WORKERS) (from ${badValue}): expected a whole number from 1 to 32, got 100`,
    );
  });

  it("--log-level debug adds the cause chain but still no stack for a user error", async () => {
    const r = await run(fixtureBin, ["--config", join(dir, "none.yaml"), "--log-level", "debug"]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("an unreachable --connector-addr fails at once in one line", async () => {
    const port = await closedPort();
    const r = await run(fixtureBin, [
      "--connector-addr",
      `127.0.0.1:${port}`,
      "--file",
      join(dir, "s.c1z"),
    ]);
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe(
      `error: --connector-addr (BATON_CONNECTOR_ADDR): 127.0.0.1:${port} is unreachable (connect ECONNREFUSED 127.0.0.1:${port}); is \`serve\` running and listening there?\n`,
    );
  });

  it("serve on a busy port names --listen", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    try {
      const port = (busy.address() as { port: number }).port;
      const r = await run(fixtureBin, ["serve", "--listen", `127.0.0.1:${port}`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toBe(`error: --listen 127.0.0.1:${port}: the address is already in use\n`);
    } finally {
      busy.close();
    }
  });

  it("the Seismic binary names every missing credential flag and env variable, and --demo", async () => {
    const r = await run(seismicBin, ["--file", join(dir, "s.c1z")], { BATON_LOG_LEVEL: "warn" });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    for (const f of ["tenant", "client-id", "client-secret", "delegation-user-id"]) {
      expect(r.stderr).toContain(
        `--seismic-${f} (BATON_SEISMIC_${f.toUpperCase().replace(/-/g, "_")})`,
      );
    }
    expect(r.stderr).toContain("--demo");
  });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface ConfigField {
  name: string;
  isSecret?: boolean;
  isRequired?: boolean;
}

describe("schema documents", () => {
  it("`config` prints the fields, with secrets marked and required fields flagged", async () => {
    const r = await run(seismicBin, ["config"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { displayName: string; fields: ConfigField[] };
    expect(doc.displayName).toBe("baton-seismic");
    const byName = new Map(doc.fields.map((f) => [f.name, f]));
    for (const name of [
      "seismic-tenant",
      "seismic-client-id",
      "seismic-client-secret",
      "seismic-delegation-user-id",
      "seismic-api-url",
      "seismic-auth-url",
      "seismic-scim-token",
      "log-level",
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
    expect(
      doc.fields
        .filter((f) => f.isSecret)
        .map((f) => f.name)
        .sort(),
    ).toEqual(["seismic-client-secret", "seismic-scim-token"]);
    expect(byName.get("seismic-tenant")?.isRequired).toBe(true);
    // Hidden and one-shot flags are not part of the schema.
    expect(byName.has("grant-entitlement")).toBe(false);
    expect(byName.has("client-secret")).toBe(false);
  });

  it("`capabilities` prints an Any of ConnectorCapabilities, @type first", async () => {
    const r = await run(fixtureBin, ["capabilities"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[1]).toBe(
      '  "@type": "type.googleapis.com/c1.connector.v2.ConnectorCapabilities",',
    );
    const doc = JSON.parse(r.stdout) as { connectorCapabilities: string[] };
    expect(doc.connectorCapabilities).toContain("CAPABILITY_SYNC");
  });
});

describe("a refused credential", () => {
  it("ends the Seismic sync with one line naming the flags; debug adds the cause, never a secret", async () => {
    const sim = await startSimulator({ seed: 3, users: 5, groups: 2 });
    try {
      const env = {
        BATON_SEISMIC_TENANT: sim.tenant,
        BATON_SEISMIC_CLIENT_ID: sim.clientId,
        BATON_SEISMIC_CLIENT_SECRET: "not-the-right-secret",
        BATON_SEISMIC_DELEGATION_USER_ID: sim.delegationUserId,
        BATON_SEISMIC_API_URL: sim.apiUrl,
        BATON_SEISMIC_AUTH_URL: sim.authUrl,
        BATON_FILE: join(dir, "s.c1z"),
        BATON_LOG_LEVEL: "error",
      };
      const r = await run(seismicBin, [], env);
      expect(r).toMatchObject({ code: 1, stdout: "" });
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(
        /^error: Validate failed: Unauthenticated: .*--seismic-client-secret/,
      );
      const debug = await run(seismicBin, ["--log-level", "debug"], env);
      expect(debug.code).toBe(1);
      expect(debug.stderr).toContain("error: Validate failed: Unauthenticated");
      expect(debug.stderr).not.toContain("not-the-right-secret");
    } finally {
      await sim.close();
    }
  });
});

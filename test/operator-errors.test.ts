// What an operator meets when something is set wrong, through the built binaries: each error
// names the flag or variable and the fix in one line (exit 2 for bad input, 1 for a failed run),
// logging flags and -h work on every command, unknown BATON_* variables are warned about with a
// suggestion, debug output stays JSON, and --connector-addr needs no connector credentials.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixtureBin, type RunResult, run, seismicBin, start, waitFor } from "./helpers/run-bin.js";
import { plainLines } from "./helpers/seismic-e2e.js";
import { hasOpenssl, makeTestCertificates } from "./test-certificates.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "operator-errors-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const json = { BATON_LOG_FORMAT: "json" };

/** One `error:` line and nothing else on stderr, nothing on stdout, the exit code. */
function expectOneError(r: RunResult, code: number, line: string | RegExp) {
  expect(r.stdout).toBe("");
  const lines = plainLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof line === "string") expect(lines[0]).toBe(`error: ${line}`);
  else expect(lines[0]).toMatch(line);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.code).toBe(code);
}

const credentials = [
  "--seismic-tenant",
  "acme",
  "--seismic-client-id",
  "id",
  "--seismic-client-secret",
  "secret-value",
  "--seismic-delegation-user-id",
  "0b7c7d1e-1111-4222-8333-444455556666",
];

/** Starts the fixture connector's `serve` with `args`; returns its address and a stop. */
async function serveFixture(args: string[]) {
  const server = start(fixtureBin, ["serve", "--listen", "127.0.0.1:0", ...args], {
    BATON_LOG_LEVEL: "warn",
  });
  await waitFor(
    server.output,
    (o) => /listening on https?:\/\/127\.0\.0\.1:\d+/.test(o.stdout),
    "serve",
  );
  const port = /127\.0\.0\.1:(\d+)/.exec(server.output().stdout)?.[1];
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      server.child.kill("SIGTERM");
      return server.done;
    },
  };
}

describe("every error names the flag and the fix", () => {
  it("--seismic-api-url that is not a URL", async () => {
    const r = await run(seismicBin, [...credentials, "--seismic-api-url", "api.seismic"], json);
    expectOneError(
      r,
      2,
      '--seismic-api-url (BATON_SEISMIC_API_URL): "api.seismic" is not a URL; give the full base URL with its scheme, e.g. https://api.seismic.com',
    );
  });

  it("a --tls-cert that is not a PEM certificate", async () => {
    const junk = join(dir, "junk.pem");
    writeFileSync(junk, "junk\n");
    const r = await run(fixtureBin, ["serve", "--tls-cert", junk, "--tls-key", junk], json);
    expectOneError(
      r,
      2,
      `--tls-cert ${junk}: not a PEM certificate (no start line); give the certificate file, the one that starts with "-----BEGIN CERTIFICATE-----"`,
    );
  });

  it("a directory, or a file in a missing directory, as --file", async () => {
    expectOneError(
      await run(fixtureBin, ["--file", dir], json),
      2,
      `--file (BATON_FILE): ${dir} is a directory; name the c1z file to write, e.g. ${join(dir, "sync.c1z")}`,
    );
    const missing = join(dir, "no", "sync.c1z");
    expectOneError(
      await run(fixtureBin, ["--file", missing], json),
      2,
      `--file (BATON_FILE): ${missing}: the directory ${join(dir, "no")} does not exist; create it or write elsewhere`,
    );
  });

  it("a missing --create-account-email, and an unknown --create-account-profile key", async () => {
    const create = ["--demo", "--provisioning", "--create-account-login", "ada@example.com"];
    expectOneError(
      await run(seismicBin, create, { ...json, BATON_LOG_LEVEL: "warn" }),
      2,
      '--create-account-email is required to create an account (Work email; Seismic keeps exactly one, of type work); the "email" key of --create-account-profile works too',
    );
    expectOneError(
      await run(
        seismicBin,
        [
          ...create,
          "--create-account-email",
          "ada@example.com",
          "--create-account-profile",
          '{"givn_name":"Ada"}',
        ],
        { ...json, BATON_LOG_LEVEL: "warn" },
      ),
      2,
      '--create-account-profile: unknown key "givn_name" (did you mean given_name?); the keys are login, email, given_name, family_name, license, roles',
    );
  });

  it.skipIf(!hasOpenssl())("a TLS server dialled without the TLS flags", async () => {
    const certs = makeTestCertificates();
    const server = await serveFixture([
      "--tls-cert",
      join(certs.dir, "server.crt"),
      "--tls-key",
      join(certs.dir, "server.key"),
    ]);
    try {
      const r = await run(
        fixtureBin,
        ["--connector-addr", server.address, "--file", join(dir, "s.c1z")],
        json,
      );
      expectOneError(
        r,
        1,
        /^error: --connector-addr \(BATON_CONNECTOR_ADDR\): 127\.0\.0\.1:\d+: .*pass --tls-client-ca with the CA that signed its certificate/,
      );
    } finally {
      await server.stop();
      certs.remove();
    }
  });
});

describe("flags, help and the environment", () => {
  it("accepts the logging flags on every command and -h everywhere", async () => {
    const file = join(dir, "s.c1z");
    expect((await run(fixtureBin, ["--file", file], { BATON_LOG_LEVEL: "warn" })).code).toBe(0);
    const stats = await run(fixtureBin, [
      "c1z",
      file,
      "stats",
      "--log-format",
      "json",
      "--log-level",
      "warn",
    ]);
    expect(stats.stderr).toBe("");
    expect(stats.code).toBe(0);
    for (const args of [["-h"], ["c1z", "-h"]]) {
      const r = await run(fixtureBin, args);
      expect(r.stderr, args.join(" ")).toBe("");
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toMatch(/--log-level/);
    }
    // A flag of another command is named as such, not "did you mean" itself.
    const other = await run(fixtureBin, ["c1z", file, "stats", "--workers", "2"]);
    expect(other.code).toBe(2);
    expect(other.stderr.split("\n")[0]).toBe(
      "error: --workers is not a flag of `c1z`; see its --help",
    );
  });

  it("warns once about a BATON_ variable no setting reads, with the one it resembles", async () => {
    const r = await run(seismicBin, ["--file", join(dir, "s.c1z")], {
      ...json,
      BATON_SEISMIC_TENNANT: "acme",
      // Read by service mode straight from the environment: known, so not warned about.
      BATON_HOST_ID: "host-1",
    });
    const warnings = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; variable: string });
    expect(warnings).toEqual([
      expect.objectContaining({
        variable: "BATON_SEISMIC_TENNANT",
        msg: "BATON_SEISMIC_TENNANT is not a setting of baton-seismic (did you mean BATON_SEISMIC_TENANT?); it is ignored",
      }),
    ]);
    // …and the run still says what is missing.
    expect(plainLines(r.stderr)[0]).toMatch(
      /^error: missing --seismic-tenant \(BATON_SEISMIC_TENANT\)/,
    );
    expect(r.code).toBe(2);
  });

  it("keeps debug output JSON: the cause chain and stack frames are fields of one record", async () => {
    const r = await run(
      seismicBin,
      ["--demo", "--file", join(dir, "no", "s.c1z"), "--log-level", "debug"],
      json,
    );
    expect(r.code).toBe(2);
    expect(plainLines(r.stderr)).toEqual([
      expect.stringMatching(/^error: --file \(BATON_FILE\): /),
    ]);
    const chain = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; stack?: string[] })
      .find((rec) => rec.msg === "cause chain of the error above");
    expect(chain?.stack?.[0]).toMatch(/^at /);
  });

  it("--connector-addr with a grant or an action asks for no connector credentials", async () => {
    const server = await serveFixture(["--provisioning"]);
    try {
      const file = join(dir, "remote.c1z");
      const synced = await run(fixtureBin, ["--connector-addr", server.address, "--file", file], {
        BATON_LOG_LEVEL: "warn",
      });
      expect(synced.code).toBe(0);
      // The Seismic binary, without any --seismic-* flag, provisions through the fixture server.
      const r = await run(
        seismicBin,
        [
          "--connector-addr",
          server.address,
          "--file",
          file,
          "--provisioning",
          "--grant-entitlement",
          "group:ops:member",
          "--grant-principal",
          "u2",
          "--grant-principal-type",
          "user",
        ],
        { BATON_LOG_LEVEL: "warn" },
      );
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("granted group:ops:member to user:u2\n");
      expect(r.code).toBe(0);
      // Actions go to the served connector too (the fixture declares none).
      const actions = await run(
        seismicBin,
        ["--connector-addr", server.address, "--list-action-schemas"],
        { BATON_LOG_LEVEL: "warn" },
      );
      expect(actions.stderr).toBe("");
      expect(actions.stdout).toBe("no actions\n");
      expect(actions.code).toBe(0);
      // The served connector would make the change: a dry run cannot be planned through it.
      const planned = await run(seismicBin, [
        "--connector-addr",
        server.address,
        "--file",
        file,
        "--dry-run",
        "--revoke-grant",
        "any",
      ]);
      expectOneError(
        planned,
        2,
        "--dry-run cannot plan through --connector-addr (the served connector would make the change); drop --connector-addr to plan with this process's connector",
      );
    } finally {
      await server.stop();
    }
  });
});

/** A `node` on PATH outside the project (the system's), when it is older than 22.15. */
function olderSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir.includes("node_modules") || dir === "") continue;
    const r = spawnSync(`${dir}/node`, ["-p", "process.versions.node"], { encoding: "utf8" });
    if (r.status !== 0) continue;
    const [major = 0, minor = 0] = r.stdout.trim().split(".").map(Number);
    return major < 22 || (major === 22 && minor < 15) ? `${dir}/node` : undefined;
  }
  return undefined;
}

describe.skipIf(olderSystemNode() === undefined)("started with an older system Node", () => {
  it("says which Node it needs and how to run it, in one line", () => {
    const r = spawnSync(olderSystemNode() as string, [seismicBin, "--demo"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^error: baton-seismic needs Node\.js 22\.15 or newer, this is v\d+\.\d+\.\d+; run it with `npx baton-seismic` from the project \(its own Node 24\) or install a newer Node\.js\n$/,
    );
  });
});

// Secrets never leave the process: a full sync and every provisioning operation (grant, revoke,
// create account, delete) of the real binary at --log-level debug, in JSON and console formats,
// against a simulated tenant with a random client secret (and a static SCIM token for the first
// sync). Every byte the
// binary writes, and the decompressed c1z, is searched for the secret, the SCIM token and each
// access token the auth server issued (recorded by a proxy in front of it, since the simulator
// does not list the tokens it issues).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zstdDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type RunResult, run, seismicBin } from "./helpers/run-bin.js";
import { expectNoSecrets, forms, type SimProxy, startProxy } from "./helpers/seismic-e2e.js";

describe("secret redaction (sync and provisioning at debug level)", () => {
  let sim: Simulator;
  let proxy: SimProxy;
  let dir: string;
  let issued = new Set<string>();
  const clientSecret = `cs-${randomBytes(24).toString("base64url")}`;
  const scimToken = `scim-${randomBytes(24).toString("base64url")}`;
  const outputs: { step: string; result: RunResult }[] = [];
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "redaction-"));
    file = join(dir, "sync.c1z");
    sim = await startSimulator({ seed: 7, users: 40, groups: 6, clientSecret, scimToken });
    proxy = await startProxy(sim.authUrl);
    issued = proxy.tokens;
    const env = {
      BATON_SEISMIC_TENANT: sim.tenant,
      BATON_SEISMIC_CLIENT_ID: sim.clientId,
      BATON_SEISMIC_CLIENT_SECRET: clientSecret,
      BATON_SEISMIC_DELEGATION_USER_ID: sim.delegationUserId,
      BATON_SEISMIC_API_URL: sim.apiUrl,
      BATON_SEISMIC_AUTH_URL: proxy.url,
      BATON_LOG_LEVEL: "debug",
      BATON_FILE: file,
    };
    const step = async (name: string, args: string[], extraEnv: Record<string, string> = {}) => {
      const result = await run(seismicBin, args, { ...env, ...extraEnv });
      outputs.push({ step: name, result });
      if (result.code !== 0)
        throw new Error(`${name} exited ${result.code}:\n${result.stderr.slice(-3000)}`);
    };

    // The static SCIM token for the first sync; OAuth tokens for everything after it.
    await step("sync (json)", [], { BATON_SEISMIC_SCIM_TOKEN: scimToken });
    const reader = await C1zReader.open(file);
    let grant: { entitlement: string; principal: string };
    let revoke: string;
    let victim: string;
    try {
      const members = reader.grants({ resourceTypeId: "group" });
      const users = reader
        .resources({ resourceTypeId: "user" })
        .map((r) => r.id?.resource ?? "")
        .filter((id) => id !== "" && id.toLowerCase() !== sim.delegationUserId.toLowerCase());
      const membersOf = (entitlement: string | undefined) =>
        new Set(
          members
            .filter((g) => g.entitlement?.id === entitlement)
            .map((g) => g.principal?.id?.resource),
        );
      // The first membership of a group that not every user is in (one seeded group holds all,
      // and which group's grants the sync stores first depends on its workers' timing).
      const first = members.find((g) => {
        const inGroup = membersOf(g.entitlement?.id);
        return users.some((u) => !inGroup.has(u));
      });
      if (!first?.entitlement || !first.id) throw new Error("no group membership to revoke");
      revoke = first.id;
      const entitlement = first.entitlement.id;
      const inGroup = membersOf(entitlement);
      const outsider = users.find((u) => !inGroup.has(u));
      if (!outsider) throw new Error("every user is in the group");
      grant = { entitlement, principal: outsider };
      const involved = new Set([outsider, first.principal?.id?.resource]);
      const other = users.find((u) => !involved.has(u));
      if (!other) throw new Error("no user left to delete");
      victim = other;
    } finally {
      reader.close();
    }
    await step("grant", [
      "--provisioning",
      "--grant-entitlement",
      grant.entitlement,
      "--grant-principal",
      grant.principal,
      "--grant-principal-type",
      "user",
    ]);
    await step("revoke", ["--provisioning", "--revoke-grant", revoke]);
    await step("create account", [
      "--provisioning",
      "--create-account-login",
      "redaction.check@example.com",
      "--create-account-email",
      "redaction.check@example.com",
      "--create-account-profile",
      '{"given_name":"Red","family_name":"Action","license":"Business"}',
    ]);
    await step("delete", [
      "--provisioning",
      "--delete-resource",
      victim,
      "--delete-resource-type",
      "user",
    ]);
    await step("sync (console)", ["--log-format", "console"]);
  });

  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ran every step at debug level, with a request id per upstream call", () => {
    expect(outputs.map((o) => o.step)).toEqual([
      "sync (json)",
      "grant",
      "revoke",
      "create account",
      "delete",
      "sync (console)",
    ]);
    expect(outputs[0]?.result.stderr).toMatch(/"requestId":"[0-9a-f-]{36}"/);
    expect(outputs[0]?.result.stderr).toMatch(/"levelName":"debug"/);
    expect(outputs[1]?.result.stdout).toMatch(/^granted /);
    expect(outputs[2]?.result.stdout).toMatch(/^revoked /);
    expect(outputs[3]?.result.stdout).toMatch(/^account created/);
    expect(outputs[4]?.result.stdout).toMatch(/^deactivated user:/);
    // At least one OAuth token per process (the first sync used it for Reporting only).
    expect(issued.size).toBeGreaterThanOrEqual(outputs.length);
  });

  it("never writes the client secret, the SCIM token or an issued token", () => {
    const secrets = [clientSecret, scimToken, ...issued];
    for (const { step, result } of outputs) {
      expectNoSecrets(`${result.stdout}\n${result.stderr}`, secrets, step);
    }
  });

  it("keeps secrets out of the c1z file", () => {
    const bytes = readFileSync(file);
    const db = zstdDecompressSync(bytes.subarray(5));
    expect(db.length).toBeGreaterThan(10_000);
    for (const secret of [clientSecret, scimToken, ...issued]) {
      for (const form of forms(secret)) {
        expect(db.includes(Buffer.from(form)), "a secret is in the c1z").toBe(false);
        expect(bytes.includes(Buffer.from(form))).toBe(false);
      }
    }
  });
});

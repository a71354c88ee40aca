// Secrets never leave the process: a full sync and every provisioning operation (grant, revoke,
// create account, delete) of the real binary at --log-level debug, in JSON and console formats,
// against a simulated tenant with a random client secret (and a static SCIM token for the first
// sync). Every byte the
// binary writes, and the decompressed c1z, is searched for the secret, the SCIM token and each
// access token the auth server issued (recorded by a proxy in front of it, since the simulator
// does not list the tokens it issues).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zstdDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type RunResult, run, seismicBin } from "./helpers/run-bin.js";

/** Forwards every request to `target` and records each `access_token` in a JSON answer. */
async function recordingProxy(target: string, tokens: Set<string>): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const upstream = await fetch(`${target}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers: { "content-type": String(req.headers["content-type"] ?? "") },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      const text = await upstream.text();
      try {
        const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
        if (typeof token === "string") tokens.add(token);
      } catch {
        // Not JSON: nothing to record.
      }
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "text/plain",
      });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}

/** Every form a secret could be written in: raw, URL-encoded, base64 and JSON-escaped. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    JSON.stringify(secret).slice(1, -1),
  ];
}

describe("secret redaction (sync and provisioning at debug level)", () => {
  let sim: Simulator;
  let proxy: Server;
  let dir: string;
  const issued = new Set<string>();
  const clientSecret = `cs-${randomBytes(24).toString("base64url")}`;
  const scimToken = `scim-${randomBytes(24).toString("base64url")}`;
  const outputs: { step: string; result: RunResult }[] = [];
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "redaction-"));
    file = join(dir, "sync.c1z");
    sim = await startSimulator({ seed: 7, users: 40, groups: 6, clientSecret, scimToken });
    proxy = await recordingProxy(sim.authUrl, issued);
    const env = {
      BATON_SEISMIC_TENANT: sim.tenant,
      BATON_SEISMIC_CLIENT_ID: sim.clientId,
      BATON_SEISMIC_CLIENT_SECRET: clientSecret,
      BATON_SEISMIC_DELEGATION_USER_ID: sim.delegationUserId,
      BATON_SEISMIC_API_URL: sim.apiUrl,
      BATON_SEISMIC_AUTH_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
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
      const first = members[0];
      if (!first?.entitlement || !first.id) throw new Error("no group membership to revoke");
      revoke = first.id;
      const entitlement = first.entitlement.id;
      const inGroup = new Set(
        members
          .filter((g) => g.entitlement?.id === entitlement)
          .map((g) => g.principal?.id?.resource),
      );
      const users = reader
        .resources({ resourceTypeId: "user" })
        .map((r) => r.id?.resource ?? "")
        .filter((id) => id !== "" && id.toLowerCase() !== sim.delegationUserId.toLowerCase());
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
      "--grant-entitlement",
      grant.entitlement,
      "--grant-principal",
      grant.principal,
      "--grant-principal-type",
      "user",
    ]);
    await step("revoke", ["--revoke-grant", revoke]);
    await step("create account", [
      "--create-account-login",
      "redaction.check@example.com",
      "--create-account-email",
      "redaction.check@example.com",
      "--create-account-profile",
      '{"given_name":"Red","family_name":"Action","license":"Business"}',
    ]);
    await step("delete", ["--delete-resource", victim, "--delete-resource-type", "user"]);
    await step("sync (console)", ["--log-format", "console"]);
  });

  afterAll(async () => {
    await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
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
    expect(outputs[4]?.result.stdout).toMatch(/^deleted user:/);
    // At least one OAuth token per process (the first sync used it for Reporting only).
    expect(issued.size).toBeGreaterThanOrEqual(outputs.length);
  });

  it("never writes the client secret, the SCIM token or an issued token", () => {
    const secrets = [clientSecret, scimToken, ...issued];
    for (const { step, result } of outputs) {
      const all = `${result.stdout}\n${result.stderr}`;
      for (const secret of secrets) {
        for (const form of forms(secret)) {
          expect(all.includes(form), `${step} wrote a secret (${secret.slice(0, 4)}…)`).toBe(false);
        }
      }
      expect(all, step).not.toMatch(/bearer\s+[A-Za-z0-9._~+/-]{12,}/i);
      expect(all, step).not.toMatch(/client_secret=[^&\s"[]/);
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

// The account lifecycle end to end with the built binary against the simulator. Through
// `serve --provisioning`, dialled with grpc-js: the Go SDK's default CreateAccount request (a
// 20-character random password and one baton/jwk/v1 encryption config) creates the user without
// a password and says so; the actions are listed and invoked; disable then enable round-trips
// the SCIM active flag; a title and department update shows in the next sync; bad arguments are
// InvalidArgument naming them. Through the one-shot CLI: the Go SDK's action flags.
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialNotSetSchema } from "../src/gen/baton_seismic/v1/annotations_pb.js";
import {
  ActionService,
  ActionType,
  BatonActionStatus,
} from "../src/gen/c1/connector/v2/action_pb.js";
import { AccountManagerService } from "../src/gen/c1/connector/v2/resource_pb.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { GrpcJsClient, grpc } from "./grpc-js-client.js";
import {
  callsSince,
  runOk,
  runSeismic,
  type Served,
  serveSeismic,
  type Target,
  targetOf,
  writes,
} from "./helpers/seismic-e2e.js";
import { type Json, readC1z } from "./helpers/seismic-expect.js";

const quiet = { BATON_LOG_LEVEL: "warn" };
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH = "PATCH /scim/v2/Users/{id}";

/** The encryption config the Go provisioner generates: a fresh Ed25519 public JWK. */
function goEncryptionConfig() {
  const { publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" });
  // RFC 7638 thumbprint: the required members in lexicographic order, SHA-256, lower-case hex.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  const keyId = createHash("sha256").update(canonical).digest("hex");
  return {
    provider: "baton/jwk/v1",
    keyId,
    config: {
      case: "jwkPublicKeyConfig" as const,
      value: { pubKey: new TextEncoder().encode(JSON.stringify(jwk)) },
    },
  };
}

/** An active user other than the delegation user, not yet used by another test. */
function pickUser(sim: Simulator, taken: Set<string>): string {
  const u = sim.state
    .users()
    .find((x) => x.active === true && x.id !== sim.delegationUserId && !taken.has(x.id as string));
  if (!u) throw new Error("the seeded tenant has no free active user");
  taken.add(u.id as string);
  return u.id as string;
}

describe("the account lifecycle through serve (grpc-js client)", () => {
  let sim: Simulator;
  let target: Target;
  let dir: string;
  let served: Served | undefined;
  let client: GrpcJsClient;
  const taken = new Set<string>();

  const invoke = (name: string, args: Json) =>
    client.call(ActionService.method.invokeAction, {
      name,
      resourceTypeId: "user",
      args: args as never,
      inlineWait: { seconds: 30n },
    });
  /** An invocation and the write calls it caused. */
  async function measured(name: string, args: Json) {
    const before = sim.state.calls();
    const res = await invoke(name, args);
    return { res, writes: writes(callsSince(before, sim.state.calls())) };
  }
  const user = (id: string) => sim.state.user(id) as Json;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seismic-lifecycle-"));
    sim = await startSimulator({ seed: 17, users: 30, groups: 3 });
    target = targetOf(sim);
    served = await serveSeismic(target, ["--provisioning"]);
    client = new GrpcJsClient(served.address);
  });

  afterAll(async () => {
    client?.close();
    await served?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the account from the Go SDK's default request, without a password, and says so", async () => {
    const login = "grace.hopper@acme.example";
    const before = sim.state.userCount();
    const res = await client.call(AccountManagerService.method.createAccount, {
      accountInfo: {
        login,
        emails: [{ address: login, isPrimary: true }],
        profile: { login, email: login },
      },
      credentialOptions: { options: { case: "randomPassword", value: { length: 20n } } },
      encryptionConfigs: [goEncryptionConfig()],
    });
    expect(res.result.case).toBe("success");
    const created = sim.state.users().find((u) => u.userName === login);
    expect(created).toBeDefined();
    expect(sim.state.userCount()).toBe(before + 1);
    expect(res.result.value?.resource?.id?.resource).toBe(created?.id);
    // No credential was set, so none comes back, and the response says why.
    expect(res.encryptedData).toEqual([]);
    expect(res.annotations.map((a) => a.typeUrl)).toEqual([
      `type.googleapis.com/${CredentialNotSetSchema.typeName}`,
    ]);
    expect(served?.output().stderr ?? "").not.toContain(login);
  });

  it("lists the three user actions with Go's action types", async () => {
    const res = await client.call(ActionService.method.listActionSchemas, {});
    expect(res.schemas.map((s) => [s.name, s.resourceTypeId, s.actionType[0]])).toEqual([
      ["disable_user", "user", ActionType.ACCOUNT_DISABLE],
      ["enable_user", "user", ActionType.ACCOUNT_ENABLE],
      ["update_user_profile", "user", ActionType.ACCOUNT_UPDATE_PROFILE],
    ]);
    const schema = await client.call(ActionService.method.getActionSchema, {
      name: "update_user_profile",
    });
    expect(schema.schema?.arguments.map((a) => a.name)).toContain("department");
  });

  it("disables then enables a user with one PATCH each; a repeat writes nothing", async () => {
    const id = pickUser(sim, taken);
    const off = await measured("disable_user", { user_id: id });
    expect(off.res.status).toBe(BatonActionStatus.COMPLETE);
    expect(off.res.response).toMatchObject({ success: true, changed: true });
    expect(off.writes).toEqual({ [PATCH]: 1 });
    expect(user(id).active).toBe(false);

    const again = await measured("disable_user", { user_id: id });
    expect(again.res.response).toMatchObject({
      changed: false,
      message: `user ${id} was already disabled`,
    });
    expect(again.writes).toEqual({});

    const on = await measured("enable_user", {
      user_id: { resource_type_id: "user", resource_id: id },
    });
    expect(on.res.response).toMatchObject({ success: true, changed: true });
    expect(on.writes).toEqual({ [PATCH]: 1 });
    expect(user(id).active).toBe(true);
    const status = await client.call(ActionService.method.getActionStatus, { id: on.res.id });
    expect(status.status).toBe(BatonActionStatus.COMPLETE);
  });

  it("updates title and department in one PATCH, visible in the next sync's user profile", async () => {
    const id = pickUser(sim, taken);
    const up = await measured("update_user_profile", {
      user_id: id,
      title: "Staff Engineer",
      department: "Platform",
    });
    expect(up.res.response).toMatchObject({ changed: true, updated: ["title", "department"] });
    expect(up.writes).toEqual({ [PATCH]: 1 });
    expect(user(id).title).toBe("Staff Engineer");
    expect((user(id)[ENTERPRISE] as Json).department).toBe("Platform");

    const file = join(dir, "after-update.c1z");
    await runOk(target, ["--file", file], quiet);
    const profile = (await readC1z(file)).resources.find(
      (r) => r.id?.resourceType === "user" && r.id.resource === id,
    )?.profile;
    expect(profile).toMatchObject({ title: "Staff Engineer", department: "Platform" });
  });

  it("answers each bad argument with INVALID_ARGUMENT naming it, and writes nothing", async () => {
    const id = pickUser(sim, taken);
    const before = sim.state.calls();
    const cases: [string, Json, string][] = [
      ["disable_user", {}, "InvokeActionRequest.args.user_id: is required"],
      [
        "disable_user",
        { user_id: id, reason: "x" },
        "InvokeActionRequest.args.reason: unknown argument",
      ],
      [
        "update_user_profile",
        { user_id: id, title: true },
        "InvokeActionRequest.args.title: must be a string",
      ],
      [
        "update_user_profile",
        { user_id: id, timezone: "Nowhere/Special" },
        "InvokeActionRequest.args.timezone",
      ],
      ["update_user_profile", { user_id: id }, "give at least one of title"],
    ];
    for (const [name, args, message] of cases) {
      const err = await invoke(name, args).then(
        () => undefined,
        (e: grpc.ServiceError) => e,
      );
      expect(err?.code, message).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err?.details, message).toContain(message);
    }
    const delegation = await invoke("disable_user", { user_id: sim.delegationUserId }).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(delegation?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(writes(callsSince(before, sim.state.calls()))).toEqual({});
    expect(user(sim.delegationUserId).active).toBe(true);
  });
});

describe("actions through the one-shot CLI flags", () => {
  let sim: Simulator;
  let target: Target;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 19, users: 12, groups: 2 });
    target = targetOf(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("--list-action-schemas prints each action, its types and arguments", async () => {
    const r = await runOk(target, ["--list-action-schemas"], quiet);
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => !l.startsWith("  "))).toEqual([
      "disable_user (resource type user; ACCOUNT_DISABLE)",
      "enable_user (resource type user; ACCOUNT_ENABLE)",
      "update_user_profile (resource type user; ACCOUNT_UPDATE_PROFILE)",
    ]);
    expect(lines).toContain("  arguments: user_id (resource id, required)");
  });

  it("--invoke-action needs --provisioning, then disables the user and prints what it did", async () => {
    const id = pickUser(sim, new Set());
    const args = [
      "--invoke-action",
      "disable_user",
      "--invoke-action-resource-type",
      "user",
      "--invoke-action-args",
      JSON.stringify({ user_id: id }),
    ];
    const refused = await runSeismic(target, args, quiet);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      "error: --invoke-action disable_user changes the system: add --provisioning (-p) to allow it",
    );
    expect((sim.state.user(id) as Json).active).toBe(true);

    const r = await runOk(target, ["--provisioning", ...args], quiet);
    expect(r.stdout.trim()).toBe(`disable_user: disabled user ${id}`);
    expect((sim.state.user(id) as Json).active).toBe(false);

    const unknown = await runSeismic(
      target,
      ["-p", "--invoke-action", "enable_user", "--invoke-action-args", '{"id":"x"}'],
      quiet,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      'error: --invoke-action-args: invalid InvokeActionRequest.args.id: unknown argument of action "enable_user" (it takes: user_id)',
    );
  });
});

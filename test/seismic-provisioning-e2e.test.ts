// End to end provisioning with the built binary against the simulator: through the Baton CLI
// flags (grant a group membership and a role, revoke both kinds, create an account, deactivate
// and permanently delete users) and through gRPC (`serve --provisioning` dialled with grpc-js:
// Grant and Revoke of a membership and a role, read-only platform roles and licences refused).
// Each change shows in the simulator as asked and nothing else changes, a repeat reports the
// idempotent outcome without a single write call, and the next sync shows the change.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pick } from "../src/baton/annotations.js";
import { C1zReader } from "../src/baton/c1z/reader.js";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
} from "../src/gen/c1/connector/v2/annotation_grant_pb.js";
import {
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../src/gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../src/gen/c1/connector/v2/entitlement_pb.js";
import { type Grant, GrantManagerService } from "../src/gen/c1/connector/v2/grant_pb.js";
import type { Resource } from "../src/gen/c1/connector/v2/resource_pb.js";
import { ErrorInfoSchema } from "../src/gen/google/rpc/error_details_pb.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { GrpcJsClient, grpc, statusDetails } from "./grpc-js-client.js";
import { run, seismicBin } from "./helpers/run-bin.js";
import {
  callsSince,
  plainLines,
  runOk,
  runSeismic,
  type Served,
  serveSeismic,
  type Target,
  targetOf,
  writes,
} from "./helpers/seismic-e2e.js";
import {
  type C1zContent,
  CUSTOM_ROLE,
  expectC1zMatchesSimulator,
  holders,
  type Json,
  readC1z,
  roleId,
  roleValues,
} from "./helpers/seismic-expect.js";

const quiet = { BATON_LOG_LEVEL: "warn" };
const MEMBERSHIP = "/scim/v2/Users/{id}/Groups/{groupId}";
const LEARNER = "Learner";

/** Users' roles, by id, for checking that a role change touched only one user. */
function rolesById(sim: Simulator): Map<string, string[]> {
  return new Map(sim.state.users().map((u) => [u.id as string, roleValues(u)]));
}

/** A user's SCIM JSON without what a role change may touch (roles, lastModified). */
function withoutRoles(u: Json | undefined): Json {
  const { roles: _roles, meta, ...rest } = u ?? {};
  const { lastModified: _lm, ...m } = (meta as Json | undefined) ?? {};
  return { ...rest, meta: m };
}

/** Picks the fixtures of a test from the seeded tenant: distinct users for each operation. */
function pickFixtures(sim: Simulator) {
  const users = sim.state.users();
  const delegation = sim.delegationUserId.toLowerCase();
  const taken = new Set<string>([delegation]);
  const take = (what: string, ok: (u: Json) => boolean): string => {
    const u = users.find((x) => !taken.has(x.id as string) && x.active === true && ok(x));
    if (!u) throw new Error(`the seeded tenant has no user for ${what}`);
    taken.add(u.id as string);
    return u.id as string;
  };
  const groups = sim.state
    .groups()
    .map((g) => ({ id: g.id as string, members: sim.state.groupMemberIds(g.id as string) ?? [] }))
    .filter((g) => g.members.length > 1 && g.members.length < users.length);
  const [grantGroup, revokeGroup] = groups;
  if (!grantGroup || !revokeGroup) throw new Error("the seeded tenant has too few groups");
  const newMember = take("a group grant", (u) => !grantGroup.members.includes(u.id as string));
  const leaving = take("a group revoke", (u) => revokeGroup.members.includes(u.id as string));
  const roleGainer = take("a role grant", (u) => !roleValues(u).includes(CUSTOM_ROLE));
  const roleLoser = take("a role revoke", (u) => roleValues(u).includes(LEARNER));
  const deactivated = take("deactivation", () => true);
  const deleted = take(
    "permanent deletion",
    (u) => (sim.state.userGroupIds(u.id as string) ?? []).length > 0,
  );
  return {
    grantGroup: grantGroup.id,
    revokeGroup: revokeGroup.id,
    newMember,
    leaving,
    roleGainer,
    roleLoser,
    deactivated,
    deleted,
  };
}

describe("provisioning through the CLI flags", () => {
  let sim: Simulator;
  let target: Target;
  let dir: string;
  let file: string;
  let f: ReturnType<typeof pickFixtures>;
  let after: C1zContent;

  /** Runs one provisioning command; returns its stdout line and the calls it made. */
  async function provision(args: string[], env: Record<string, string> = {}) {
    const before = sim.state.calls();
    const r = await runOk(target, ["--provisioning", "--file", file, ...args], {
      ...quiet,
      ...env,
    });
    expect(r.stderr).toBe("");
    return { line: r.stdout.trim(), calls: callsSince(before, sim.state.calls()) };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seismic-provisioning-cli-"));
    file = join(dir, "sync.c1z");
    sim = await startSimulator({ seed: 3, users: 60, groups: 6 });
    target = targetOf(sim);
    await runOk(target, ["--file", file], quiet);
    f = pickFixtures(sim);
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("grants a group membership with one POST; a repeat says already granted and writes nothing", async () => {
    const entitlement = `group:${f.grantGroup}:member`;
    const members = sim.state.groupMemberIds(f.grantGroup) ?? [];
    const args = [
      "--grant-entitlement",
      entitlement,
      "--grant-principal",
      f.newMember,
      "--grant-principal-type",
      "user",
    ];
    const first = await provision(args);
    expect(first.line).toBe(`granted ${entitlement} to user:${f.newMember}`);
    expect(writes(first.calls)).toEqual({ [`POST ${MEMBERSHIP}`]: 1 });
    // Added, not rewritten: the members are the old ones plus the new one.
    expect(new Set(sim.state.groupMemberIds(f.grantGroup))).toEqual(
      new Set([...members, f.newMember]),
    );

    const again = await provision(args);
    expect(again.line).toBe(`already granted: ${entitlement} to user:${f.newMember}`);
    expect(writes(again.calls)).toEqual({});
    expect(sim.state.groupMemberIds(f.grantGroup)).toHaveLength(members.length + 1);
  });

  it("grants the custom role by changing only that user's roles; a repeat writes nothing", async () => {
    const entitlement = `role:${roleId(CUSTOM_ROLE)}:assigned`;
    expect(entitlement).toBe("role:Field%20Sales%3A%20EMEA:assigned");
    const roles = rolesById(sim);
    const user = sim.state.user(f.roleGainer);
    const args = [
      "--grant-entitlement",
      entitlement,
      "--grant-principal",
      f.roleGainer,
      "--grant-principal-type",
      "user",
    ];
    const first = await provision(args);
    expect(first.line).toBe(`granted ${entitlement} to user:${f.roleGainer}`);
    expect(writes(first.calls)).toEqual({ "PATCH /scim/v2/Users/{id}": 1 });
    const changed = sim.state.user(f.roleGainer);
    // A user without roles[] keeps the licence of its userType in the new list.
    const base = roles.get(f.roleGainer)?.length
      ? (roles.get(f.roleGainer) ?? [])
      : typeof user?.userType === "string" && user.userType !== "NonSeismic"
        ? [user.userType]
        : [];
    expect(roleValues(changed ?? {})).toEqual([...base, CUSTOM_ROLE]);
    expect(withoutRoles(changed)).toEqual(withoutRoles(user));
    roles.set(f.roleGainer, roleValues(changed ?? {}));
    expect(rolesById(sim)).toEqual(roles);

    const again = await provision(args);
    expect(again.line).toBe(`already granted: ${entitlement} to user:${f.roleGainer}`);
    expect(writes(again.calls)).toEqual({});
    expect(rolesById(sim)).toEqual(roles);
  });

  it("revokes a group membership with one DELETE; a repeat says already revoked", async () => {
    const grant = `group:${f.revokeGroup}:member:user:${f.leaving}`;
    const members = sim.state.groupMemberIds(f.revokeGroup) ?? [];
    const first = await provision(["--revoke-grant", grant]);
    expect(first.line).toBe(`revoked ${grant}`);
    expect(writes(first.calls)).toEqual({ [`DELETE ${MEMBERSHIP}`]: 1 });
    expect(new Set(sim.state.groupMemberIds(f.revokeGroup))).toEqual(
      new Set(members.filter((m) => m !== f.leaving)),
    );

    const again = await provision(["--revoke-grant", grant]);
    expect(again.line).toBe(`already revoked: ${grant}`);
    expect(writes(again.calls)).toEqual({});
  });

  it("revokes a role by removing only that value; a repeat says already revoked", async () => {
    const grant = `role:${LEARNER}:assigned:user:${f.roleLoser}`;
    const roles = rolesById(sim);
    const user = sim.state.user(f.roleLoser);
    const first = await provision(["--revoke-grant", grant]);
    expect(first.line).toBe(`revoked ${grant}`);
    expect(writes(first.calls)).toEqual({ "PATCH /scim/v2/Users/{id}": 1 });
    const changed = sim.state.user(f.roleLoser);
    expect(roleValues(changed ?? {})).toEqual(
      (roles.get(f.roleLoser) ?? []).filter((r) => r !== LEARNER),
    );
    expect(withoutRoles(changed)).toEqual(withoutRoles(user));
    roles.set(f.roleLoser, roleValues(changed ?? {}));
    expect(rolesById(sim)).toEqual(roles);

    const again = await provision(["--revoke-grant", grant]);
    expect(again.line).toBe(`already revoked: ${grant}`);
    expect(writes(again.calls)).toEqual({});
  });

  it("creates an account with one POST; a repeat says it already exists and writes nothing", async () => {
    const login = "new.hire@acme.example";
    const args = [
      "--create-account-login",
      login,
      "--create-account-email",
      login,
      "--create-account-profile",
      JSON.stringify({
        given_name: "New",
        family_name: "Hire",
        license: "Business",
        roles: [LEARNER],
      }),
    ];
    const count = sim.state.userCount();
    const first = await provision(args);
    const created = sim.state.users().find((u) => u.userName === login);
    expect(created).toBeDefined();
    expect(first.line).toBe(`account created: user:${created?.id}`);
    expect(writes(first.calls)).toEqual({ "POST /scim/v2/Users": 1 });
    expect(sim.state.userCount()).toBe(count + 1);
    expect(created).toMatchObject({
      userName: login,
      name: { givenName: "New", familyName: "Hire" },
      emails: [{ value: login, type: "work", primary: true }],
      active: true,
      userType: "Business",
    });
    expect(roleValues(created ?? {})).toEqual(["Business", LEARNER]);

    const again = await provision(args);
    expect(again.line).toBe(`account already exists: user:${created?.id}`);
    expect(writes(again.calls)).toEqual({});
    expect(sim.state.userCount()).toBe(count + 1);
  });

  it("deactivates a user by default (PATCH active=false); a repeat writes nothing", async () => {
    const args = ["--delete-resource", f.deactivated, "--delete-resource-type", "user"];
    const groups = sim.state.userGroupIds(f.deactivated);
    const first = await provision(args);
    expect(first.line).toBe(`deactivated user:${f.deactivated} (locked, not deleted)`);
    expect(writes(first.calls)).toEqual({ "PATCH /scim/v2/Users/{id}": 1 });
    expect(sim.state.user(f.deactivated)?.active).toBe(false);
    expect(sim.state.userGroupIds(f.deactivated)).toEqual(groups);

    const again = await provision(args);
    expect(again.line).toBe(`user:${f.deactivated} was already deactivated`);
    expect(writes(again.calls)).toEqual({});
    expect(sim.state.user(f.deactivated)?.active).toBe(false);
  });

  it("deletes permanently with --seismic-delete-mode delete; a repeat finds nothing to delete", async () => {
    const args = [
      "--seismic-delete-mode",
      "delete",
      "--delete-resource",
      f.deleted,
      "--delete-resource-type",
      "user",
    ];
    const first = await provision(args);
    expect(first.line).toBe(`deleted user:${f.deleted}`);
    expect(writes(first.calls)).toEqual({ "DELETE /scim/v2/Users/{id}": 1 });
    expect(sim.state.user(f.deleted)).toBeUndefined();
    const count = sim.state.userCount();

    const again = await provision(args);
    expect(again.line).toBe(`user:${f.deleted} does not exist (nothing to delete)`);
    expect(sim.state.userCount()).toBe(count);
  });

  it("refuses to delete the delegation user, with one line and no write", async () => {
    const before = sim.state.calls();
    const r = await runSeismic(
      target,
      [
        "--provisioning",
        "--file",
        file,
        "--delete-resource",
        sim.delegationUserId,
        "--delete-resource-type",
        "user",
      ],
      quiet,
    );
    expect(r.code).not.toBe(0);
    const lines = plainLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*delegation user/);
    expect(writes(callsSince(before, sim.state.calls()))).toEqual({});
    expect(sim.state.user(sim.delegationUserId)?.active).toBe(true);
  });

  describe("the next sync", () => {
    beforeAll(async () => {
      const next = join(dir, "next.c1z");
      await runOk(target, ["--file", next], quiet);
      after = await readC1z(next);
    });

    it("holds exactly the changed tenant", () => {
      expectC1zMatchesSimulator(after, sim);
    });

    it("shows each change", () => {
      expect(holders(after, `group:${f.grantGroup}:member`)).toContain(f.newMember);
      expect(holders(after, `group:${f.revokeGroup}:member`)).not.toContain(f.leaving);
      expect(holders(after, `role:${roleId(CUSTOM_ROLE)}:assigned`)).toContain(f.roleGainer);
      expect(holders(after, `role:${LEARNER}:assigned`)).not.toContain(f.roleLoser);
      const created = sim.state.users().find((u) => u.userName === "new.hire@acme.example");
      const id = created?.id as string;
      const row = after.resources.find(
        (r) => r.id?.resourceType === "user" && r.id.resource === id,
      );
      expect(row?.displayName).toBe("New Hire");
      expect(holders(after, "license:Business:assigned")).toContain(id);
      expect(holders(after, `role:${LEARNER}:assigned`)).toContain(id);
      const gone = after.resources.find((r) => r.id?.resource === f.deactivated);
      expect(pick(gone?.annotations ?? [], UserTraitSchema)?.status?.status).toBe(
        UserTrait_Status_Status.DISABLED,
      );
      expect(after.resources.some((r) => r.id?.resource === f.deleted)).toBe(false);
      expect(after.grants.some((g) => g.principal?.id?.resource === f.deleted)).toBe(false);
    });
  });
});

describe("provisioning through gRPC (serve --provisioning, grpc-js client)", () => {
  let sim: Simulator;
  let dir: string;
  let served: Served | undefined;
  let client: GrpcJsClient;
  let f: ReturnType<typeof pickFixtures>;
  let entitlement: (id: string) => Entitlement;
  let user: (id: string) => Resource;
  let grant: (id: string) => Grant;

  const typeUrls = (annotations: { typeUrl: string }[]) => annotations.map((a) => a.typeUrl);
  const ALREADY_EXISTS = `type.googleapis.com/${GrantAlreadyExistsSchema.typeName}`;
  const ALREADY_REVOKED = `type.googleapis.com/${GrantAlreadyRevokedSchema.typeName}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seismic-provisioning-grpc-"));
    const file = join(dir, "sync.c1z");
    sim = await startSimulator({ seed: 11, users: 40, groups: 5 });
    const target = targetOf(sim);
    await runOk(target, ["--file", file], quiet);
    f = pickFixtures(sim);
    // The messages a platform would send come from the sync it made.
    const reader = await C1zReader.open(file);
    const entitlements = new Map(reader.entitlements().map((e) => [e.id, e]));
    const users = new Map(
      reader.resources({ resourceTypeId: "user" }).map((r) => [r.id?.resource ?? "", r]),
    );
    const grants = new Map(reader.grants().map((g) => [g.id, g]));
    reader.close();
    const must = <T>(v: T | undefined, what: string): T => {
      if (v === undefined) throw new Error(`${what} is not in the c1z`);
      return v;
    };
    entitlement = (id) => must(entitlements.get(id), id);
    user = (id) => must(users.get(id), id);
    grant = (id) => must(grants.get(id), id);
    served = await serveSeismic(target, ["--provisioning"]);
    client = new GrpcJsClient(served.address);
  });

  afterAll(async () => {
    client?.close();
    await served?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Makes a call and returns its response and the write calls it caused. */
  async function measured<T>(call: () => Promise<T>) {
    const before = sim.state.calls();
    const res = await call();
    return { res, writes: writes(callsSince(before, sim.state.calls())) };
  }

  it("Grant adds a group member; a repeat carries GrantAlreadyExists and writes nothing", async () => {
    const request = {
      entitlement: entitlement(`group:${f.grantGroup}:member`),
      principal: user(f.newMember),
    };
    const first = await measured(() => client.call(GrantManagerService.method.grant, request));
    expect(first.res.annotations).toEqual([]);
    expect(first.res.grants.map((g) => g.id)).toEqual([
      `group:${f.grantGroup}:member:user:${f.newMember}`,
    ]);
    expect(first.writes).toEqual({ [`POST ${MEMBERSHIP}`]: 1 });
    expect(sim.state.groupMemberIds(f.grantGroup)).toContain(f.newMember);

    const again = await measured(() => client.call(GrantManagerService.method.grant, request));
    expect(typeUrls(again.res.annotations)).toEqual([ALREADY_EXISTS]);
    expect(again.writes).toEqual({});
  });

  it("Revoke removes a group member; a repeat carries GrantAlreadyRevoked and writes nothing", async () => {
    const request = { grant: grant(`group:${f.revokeGroup}:member:user:${f.leaving}`) };
    const first = await measured(() => client.call(GrantManagerService.method.revoke, request));
    expect(first.res.annotations).toEqual([]);
    expect(first.writes).toEqual({ [`DELETE ${MEMBERSHIP}`]: 1 });
    expect(sim.state.groupMemberIds(f.revokeGroup)).not.toContain(f.leaving);

    const again = await measured(() => client.call(GrantManagerService.method.revoke, request));
    expect(typeUrls(again.res.annotations)).toEqual([ALREADY_REVOKED]);
    expect(again.writes).toEqual({});
  });

  it("Grant and Revoke of roles change one value of one user; repeats are annotated", async () => {
    const grantRequest = {
      entitlement: entitlement(`role:${roleId(CUSTOM_ROLE)}:assigned`),
      principal: user(f.roleGainer),
    };
    const granted = await measured(() =>
      client.call(GrantManagerService.method.grant, grantRequest),
    );
    expect(granted.res.annotations).toEqual([]);
    expect(granted.writes).toEqual({ "PATCH /scim/v2/Users/{id}": 1 });
    expect(roleValues(sim.state.user(f.roleGainer) ?? {})).toContain(CUSTOM_ROLE);
    const regrant = await measured(() =>
      client.call(GrantManagerService.method.grant, grantRequest),
    );
    expect(typeUrls(regrant.res.annotations)).toEqual([ALREADY_EXISTS]);
    expect(regrant.writes).toEqual({});

    const before = roleValues(sim.state.user(f.roleLoser) ?? {});
    const revokeRequest = { grant: grant(`role:${LEARNER}:assigned:user:${f.roleLoser}`) };
    const revoked = await measured(() =>
      client.call(GrantManagerService.method.revoke, revokeRequest),
    );
    expect(revoked.res.annotations).toEqual([]);
    expect(revoked.writes).toEqual({ "PATCH /scim/v2/Users/{id}": 1 });
    expect(roleValues(sim.state.user(f.roleLoser) ?? {})).toEqual(
      before.filter((r) => r !== LEARNER),
    );
    const rerevoke = await measured(() =>
      client.call(GrantManagerService.method.revoke, revokeRequest),
    );
    expect(typeUrls(rerevoke.res.annotations)).toEqual([ALREADY_REVOKED]);
    expect(rerevoke.writes).toEqual({});
  });

  it("refuses grants on platform roles and licences: FailedPrecondition with grant_cancelled", async () => {
    const platformRole = sim.state.platformRoles().find((r) => !r.isDeleted);
    const requests = [
      `platform_role:${platformRole?.id}:assigned`,
      "license:Business:assigned",
      "license:Partner:assigned",
    ].map((id) => ({ entitlement: entitlement(id), principal: user(f.newMember) }));
    for (const request of requests) {
      const { res: err, writes: w } = await measured(() =>
        client.fail(GrantManagerService.method.grant, request),
      );
      const what = request.entitlement.id;
      expect(err.code, what).toBe(grpc.status.FAILED_PRECONDITION);
      expect(err.details, what).toMatch(/read-only/);
      const info = statusDetails(err)
        ?.details.map((d) => anyUnpack(d, ErrorInfoSchema))
        .find((d) => d !== undefined);
      expect(info?.reason, what).toBe("grant_cancelled");
      expect(w, what).toEqual({});
    }
  });

  it("the next sync, through the same server (--connector-addr), shows the changes", async () => {
    const next = join(dir, "next.c1z");
    const r = await run(
      seismicBin,
      ["--connector-addr", served?.address ?? "", "--file", next],
      quiet,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const after = await readC1z(next);
    expectC1zMatchesSimulator(after, sim);
    expect(holders(after, `group:${f.grantGroup}:member`)).toContain(f.newMember);
    expect(holders(after, `group:${f.revokeGroup}:member`)).not.toContain(f.leaving);
    expect(holders(after, `role:${roleId(CUSTOM_ROLE)}:assigned`)).toContain(f.roleGainer);
    expect(holders(after, `role:${LEARNER}:assigned`)).not.toContain(f.roleLoser);

    const stopped = await served?.stop();
    expect(stopped?.code).toBe(0);
  });
});

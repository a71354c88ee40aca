// Validation and scope handling against the simulator: a wrong secret, an unknown tenant and a
// locked delegation user each give one clear Unauthenticated error without the secret in it; a
// missing reporting scope fails the platform-role listing (never an empty list), naming the scope
// and both ways out, unless platform roles are left out on purpose.
import { afterEach, describe, expect, it } from "vitest";
import { Code } from "../baton/errors.js";
import { caller, getToken } from "../simulator/harness.js";
import { closeAll, connectTo, startSim, syncCtx, walk } from "./test-support/sim-connector.js";

afterEach(closeAll);

describe("validate", () => {
  it("passes with good credentials after one token and one SCIM call", async () => {
    const sim = await startSim({ users: 5, groups: 1 });
    const h = connectTo(sim);
    const before = sim.state.totalCalls();
    await expect(h.connector.validate(syncCtx())).resolves.toBeUndefined();
    expect(sim.state.totalCalls() - before).toBe(2);
    expect((await h.connector.metadata(syncCtx())).displayName).toBe("Seismic");
  });

  it.each([
    ["a wrong secret", { clientSecret: "wrong-SECRET-123456" }, /client id or secret/],
    ["an unknown tenant", { tenant: "nosuchtenant" }, /nosuchtenant/],
  ])("names the cause of %s", async (_, overrides, pattern) => {
    const sim = await startSim({ users: 5, groups: 1 });
    const h = connectTo(sim, overrides);
    const err = await h.connector.validate(syncCtx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: Code.Unauthenticated,
      rawMessage: expect.stringMatching(pattern),
    });
    expect(String((err as Error).message)).not.toContain("wrong-SECRET-123456");
    expect(String((err as Error).message)).not.toContain(sim.clientSecret);
  });

  it("names a locked delegation user", async () => {
    const sim = await startSim({ users: 5, groups: 1 });
    const call = caller(sim, await getToken(sim));
    const res = await call("PATCH", `/scim/v2/Users/${sim.delegationUserId}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expect(res.status).toBe(200);
    const h = connectTo(sim);
    await expect(h.connector.validate(syncCtx())).rejects.toMatchObject({
      code: Code.Unauthenticated,
      rawMessage: expect.stringMatching(/delegation user .* locked/),
    });
  });
});

describe("without the seismic.reporting scope", () => {
  const noReporting = { grantedScopes: ["seismic.user.view", "seismic.user.manage"] };
  const fix = /--seismic-skip-platform-roles.*--sync-resource-types/;

  it("validate passes (the host may leave platform roles out), their listing fails at once without a call", async () => {
    const sim = await startSim({ users: 30, groups: 3, ...noReporting });
    const h = connectTo(sim);
    await expect(h.connector.validate(syncCtx())).resolves.toBeUndefined();
    const err = await walk((p) => h.syncer("platform_role").list(undefined, p, syncCtx())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: expect.stringContaining("seismic.reporting"),
    });
    expect((err as { rawMessage: string }).rawMessage).toMatch(fix);
    expect((err as { rawMessage: string }).rawMessage).toMatch(
      /a sync without it would report every platform_role grant as revoked/,
    );
    expect([...sim.state.calls().keys()].some((k) => k.includes("/reporting/"))).toBe(false);
  });

  it("the platform-role listing itself fails too (never an empty list)", async () => {
    const sim = await startSim({ users: 30, groups: 3, ...noReporting });
    const h = connectTo(sim);
    const ctx = syncCtx();
    // Users still list (the scope ladder asked again without seismic.reporting)...
    const users = await walk((p) => h.syncer("user").list(undefined, p, ctx));
    expect(users.items).toHaveLength(30);
    // ...but platform roles refuse to come back empty.
    await expect(
      walk((p) => h.syncer("platform_role").list(undefined, p, ctx)),
    ).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: expect.stringMatching(fix),
    });
    expect(h.logger.warnings()).toEqual([]);
  });

  it("a 403 from Reporting fails the listing the same way", async () => {
    const sim = await startSim({
      users: 5,
      groups: 1,
      scimToken: "scim-static-TOKEN-1",
      grantedScopes: ["seismic.user.view"],
    });
    // The static SCIM token lists users; OAuth (needed for Reporting) steps down to user.view.
    const h = connectTo(sim, { scimToken: "scim-static-TOKEN-1" });
    await expect(
      walk((p) => h.syncer("platform_role").list(undefined, p, syncCtx())),
    ).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: expect.stringContaining("seismic.reporting"),
    });
  });

  it("left out on purpose: validates, reports no platform_role type and never asks for the scope", async () => {
    const sim = await startSim({ users: 5, groups: 1, ...noReporting });
    const h = connectTo(sim, { skipPlatformRoles: true });
    await expect(h.connector.validate(syncCtx())).resolves.toBeUndefined();
    expect(h.connector.syncers.map((s) => s.resourceType.id)).toEqual([
      "user",
      "group",
      "role",
      "license",
    ]);
    // One token request: seismic.reporting was never asked for, so nothing was refused.
    expect(sim.state.tokensIssued()).toBe(1);
    expect(sim.state.calls().get("POST /tenants/{tenant}/connect/token")).toBe(1);
  });
});

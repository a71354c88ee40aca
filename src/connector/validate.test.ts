// Validation and scope handling against the simulator: a wrong secret, an unknown tenant and a
// locked delegation user each give one clear Unauthenticated error without the secret in it; a
// missing reporting scope leaves platform roles empty with one warning and everything else working.
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
  it("syncs everything else and skips platform roles with one warning", async () => {
    const sim = await startSim({
      users: 30,
      groups: 3,
      grantedScopes: ["seismic.user.view", "seismic.user.manage"],
    });
    const h = connectTo(sim);
    const ctx = syncCtx();
    await h.connector.validate(ctx);
    const users = await walk((p) => h.syncer("user").list(undefined, p, ctx));
    expect(users.items).toHaveLength(30);
    for (let i = 0; i < 2; i++) {
      const roles = await walk((p) => h.syncer("platform_role").list(undefined, p, ctx));
      expect(roles.items).toEqual([]);
    }
    const warnings = h.logger.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain("seismic.reporting");
    // The refused scope costs no Reporting call at all.
    expect([...sim.state.calls().keys()].some((k) => k.includes("/reporting/"))).toBe(false);
    // A new sync warns again, once.
    await walk((p) => h.syncer("platform_role").list(undefined, p, syncCtx("sync-2")));
    expect(h.logger.warnings()).toHaveLength(2);
  });

  it("treats a 403 from Reporting the same way", async () => {
    const sim = await startSim({
      users: 5,
      groups: 1,
      scimToken: "scim-static-TOKEN-1",
      grantedScopes: ["seismic.user.view"],
    });
    // The static SCIM token lists users; OAuth (needed for Reporting) steps down to user.view.
    const h = connectTo(sim, { scimToken: "scim-static-TOKEN-1" });
    const roles = await walk((p) => h.syncer("platform_role").list(undefined, p, syncCtx()));
    expect(roles.items).toEqual([]);
    expect(h.logger.warnings().map((w) => w.message)).toEqual([
      expect.stringContaining("seismic.reporting"),
    ]);
  });
});

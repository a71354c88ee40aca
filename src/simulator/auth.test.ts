// Tests of the simulator: the token endpoint, bearer tokens, expiry, scopes and the static SCIM token, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caller, delegationForm, getToken, tokenRequest } from "./harness.js";
import { type Simulator, startSimulator } from "./index.js";

let clock = Date.UTC(2026, 0, 1);
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    users: 30,
    groups: 3,
    tokenLifetimeSeconds: 600,
    scimToken: "static-scim-token",
    now: () => clock,
    rateLimit: false,
  });
});
afterAll(() => sim.close());

describe("token endpoint", () => {
  it("issues a bearer token for the delegation grant with all granted scopes by default", async () => {
    const res = await tokenRequest(sim, delegationForm(sim));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "scope", "token_type"]);
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: 600,
      scope: "seismic.user.view seismic.user.manage seismic.reporting",
    });
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it("grants a requested subset of scopes", async () => {
    const res = await tokenRequest(sim, delegationForm(sim, "seismic.user.view"));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scope: string }).scope).toBe("seismic.user.view");
  });

  it("rejects a scope the app registration does not grant", async () => {
    const res = await tokenRequest(
      sim,
      delegationForm(sim, "seismic.user.view seismic.library.manage"),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "invalid_scope",
      error_description: "not granted: seismic.library.manage",
    });
  });

  it.each([
    ["wrong secret", { client_secret: "nope" }],
    ["wrong client id", { client_id: "other" }],
    ["missing client id", { client_id: "" }],
  ])("answers 400 invalid_client for a %s", async (_, patch) => {
    const res = await tokenRequest(sim, { ...delegationForm(sim), ...patch });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_client" });
  });

  it("answers 400 invalid_client for an unknown tenant", async () => {
    const res = await tokenRequest(sim, delegationForm(sim), "someone-else");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_client" });
  });

  it("rejects an unknown delegated user and any user other than the delegated one", async () => {
    const unknown = await tokenRequest(sim, {
      ...delegationForm(sim),
      user_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: "invalid_grant",
      error_description: "unknown user",
    });
    const other = sim.state.users()[1]?.id as string;
    const res = await tokenRequest(sim, { ...delegationForm(sim), user_id: other });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "invalid_grant",
      error_description: "user is not the delegated user of this app",
    });
  });

  it("rejects other grant types and incomplete forms", async () => {
    const cc = await tokenRequest(sim, {
      ...delegationForm(sim),
      grant_type: "client_credentials",
    });
    expect(cc.status).toBe(400);
    expect(await cc.json()).toEqual({ error: "unsupported_grant_type" });
    const noUser = await tokenRequest(sim, { ...delegationForm(sim), user_id: "" });
    expect(noUser.status).toBe(400);
    expect(await noUser.json()).toEqual({
      error: "invalid_request",
      error_description: "user_id is missing",
    });
    const json = await fetch(`${sim.authUrl}/tenants/${sim.tenant}/connect/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(delegationForm(sim)),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      error: "invalid_request",
      error_description: "the body must be application/x-www-form-urlencoded",
    });
  });

  it("answers 405 for GET on the token path and 404 elsewhere", async () => {
    const get = await fetch(`${sim.authUrl}/tenants/${sim.tenant}/connect/token`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const other = await fetch(`${sim.authUrl}/connect/token`, { method: "POST" });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({
      error: "not_found",
      error_description: "No endpoint POST /connect/token",
    });
  });

  it("counts token calls and tokens issued", () => {
    expect(sim.state.calls().get("POST /tenants/{tenant}/connect/token")).toBeGreaterThan(5);
    expect(sim.state.tokensIssued()).toBeGreaterThanOrEqual(2);
  });
});

describe("bearer tokens on the API origin", () => {
  it("answers 401 without a token and for an unknown token", async () => {
    for (const bearer of [undefined, "not-a-token"]) {
      const res = await caller(sim, bearer)("GET", "/scim/v2/Users");
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      expect(res.body).toEqual({
        statusCode: 401,
        message: "Unauthorized: the access token is missing, invalid or expired.",
      });
    }
  });

  it("expires tokens after their lifetime", async () => {
    const call = caller(sim, await getToken(sim));
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(200);
    clock += 599_999;
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(200);
    clock += 1;
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(401);
  });

  it("answers 403 naming the scope a call needs", async () => {
    const view = caller(sim, await getToken(sim, "seismic.user.view"));
    expect((await view("GET", "/scim/v2/Groups?count=1")).status).toBe(200);
    const write = await view("DELETE", `/scim/v2/Users/${sim.delegationUserId}`);
    expect(write.status).toBe(403);
    expect(write.body).toEqual({
      statusCode: 403,
      message: "Forbidden: this call requires the scope seismic.user.manage.",
      requiredScopes: ["seismic.user.manage"],
    });
    const rep = await view("GET", "/reporting/v2/roles");
    expect(rep.status).toBe(403);
    expect(rep.body).toEqual({
      statusCode: 403,
      message: "Forbidden: this call requires the scope seismic.reporting.",
      requiredScopes: ["seismic.reporting"],
    });
    const reporting = caller(sim, await getToken(sim, "seismic.reporting"));
    const read = await reporting("GET", "/scim/v2/Users?count=1");
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({
      requiredScopes: ["seismic.user.view", "seismic.user.manage"],
    });
    // manage alone also allows reads
    const manage = caller(sim, await getToken(sim, "seismic.user.manage"));
    expect((await manage("GET", "/scim/v2/Schemas")).status).toBe(200);
  });

  it("accepts the static SCIM token for /scim/v2 only", async () => {
    const call = caller(sim, "static-scim-token");
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(200);
    const rep = await call("GET", "/reporting/v2/roles");
    expect(rep.status).toBe(401);
    expect(await getToken(sim)).not.toBe("static-scim-token");
  });

  it("refuses a token for a delegated user who has been locked", async () => {
    const call = caller(sim, await getToken(sim));
    const lock = await call("PATCH", `/scim/v2/Users/${sim.delegationUserId}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expect(lock.status).toBe(200);
    const res = await tokenRequest(sim, delegationForm(sim));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "invalid_grant",
      error_description: "user is locked",
    });
  });
});

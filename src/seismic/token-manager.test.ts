import { afterEach, describe, expect, it } from "vitest";
import { SeismicError } from "./errors.js";
import { closeAll, listResponse, SECRETS, startHarness } from "./test-support/harness.js";

afterEach(closeAll);

describe("token manager", () => {
  it("posts exactly the delegation form to the tenant's token endpoint", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    await client.listUsers();

    expect(fake.tokenRequests).toHaveLength(1);
    const [token] = fake.tokenRequests;
    expect(token?.method).toBe("POST");
    expect(token?.path).toBe("/tenants/acme/connect/token");
    expect(token?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(token?.body);
    expect([...form.keys()].sort()).toEqual(
      ["client_id", "client_secret", "grant_type", "scope", "user_id"].sort(),
    );
    expect(form.get("grant_type")).toBe("delegation");
    expect(form.get("client_id")).toBe("client-id-1");
    expect(form.get("client_secret")).toBe(SECRETS.clientSecret);
    expect(form.get("user_id")).toBe("7d1f3c2e-0000-4000-8000-000000000001");
    expect(form.get("scope")).toBe("seismic.user.view seismic.user.manage seismic.reporting");
    expect(fake.apiRequests[0]?.headers.authorization).toBe("Bearer tok-SECRET-1");
  });

  it("requests overridden scopes", async () => {
    const { fake, client } = await startHarness({ scopes: ["seismic.user.view"] });
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    await client.listUsers();
    expect(new URLSearchParams(fake.tokenRequests[0]?.body).get("scope")).toBe("seismic.user.view");
  });

  it("mints once for 20 concurrent calls", async () => {
    const { fake, client } = await startHarness();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.tokenHandler = async () => {
      await gate;
      return { json: { access_token: "tok-SECRET-shared", expires_in: 3600 } };
    };
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    const calls = Array.from({ length: 20 }, () => client.listUsers());
    setTimeout(release, 20);
    await Promise.all(calls);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.apiRequests).toHaveLength(20);
    expect(
      fake.apiRequests.every((r) => r.headers.authorization === "Bearer tok-SECRET-shared"),
    ).toBe(true);
    expect(client.stats().tokensMinted).toBe(1);
  });

  it("re-mints shortly before expiry (5 min margin)", async () => {
    const { fake, client, clock } = await startHarness();
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    await client.listUsers();
    clock.advance(3600_000 - 300_000 - 1);
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(1);
    clock.advance(2);
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.apiRequests.at(-1)?.headers.authorization).toBe("Bearer tok-SECRET-2");
  });

  it("uses a 10% margin for short-lived tokens", async () => {
    const { fake, client, clock } = await startHarness();
    fake.tokenHandler = (r) => ({
      json: { access_token: `short-SECRET-${r.index}`, expires_in: 60 },
    });
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    await client.listUsers();
    clock.advance(53_000);
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(1);
    clock.advance(1_001);
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it("re-mints once after a 401 and retries the call once", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) =>
      r.headers.authorization === "Bearer tok-SECRET-1"
        ? { status: 401, json: { message: "token expired" } }
        : { json: listResponse([], 0) };
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.apiRequests.map((r) => r.headers.authorization)).toEqual([
      "Bearer tok-SECRET-1",
      "Bearer tok-SECRET-2",
    ]);
    expect(client.stats()).toMatchObject({ reauthentications: 1, retries: 0, calls: 2 });
  });

  it("does not re-mint twice when the new token is rejected too", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 401, json: { message: "nope" } });
    const error = await client.listUsers().catch((e: unknown) => e);
    expect(SeismicError.is(error, "unauthenticated")).toBe(true);
    expect((error as SeismicError).credential).toBe("oauth_token");
    expect((error as SeismicError).message).toContain("OAuth delegation token");
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.apiRequests).toHaveLength(2);
  });

  it("shares one re-mint among concurrent calls rejected with the same token", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) =>
      r.headers.authorization === "Bearer tok-SECRET-1"
        ? { status: 401, json: {} }
        : { json: listResponse([], 0) };
    await Promise.all(Array.from({ length: 5 }, () => client.listUsers()));
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it.each([
    [
      400,
      { error: "invalid_client" },
      "invalid_client",
      "--seismic-tenant, --seismic-client-id and --seismic-client-secret",
    ],
    [400, { error: "invalid_grant" }, "invalid_grant", "--seismic-delegation-user-id"],
    [400, { error: "invalid_scope" }, "invalid_scope", "seismic.user.view seismic.user.manage"],
    [400, { error: "unauthorized_client" }, "token_rejected", "Client Credentials"],
    [404, undefined, "unknown_tenant", "--seismic-tenant"],
    [401, { error: "something_else" }, "token_rejected", "something_else"],
  ] as const)("maps token endpoint %i %j to %s", async (status, json, code, hint) => {
    const { fake, client } = await startHarness();
    fake.tokenHandler = () => (json ? { status, json } : { status, text: "Not Found" });
    const error = await client.listUsers().catch((e: unknown) => e);
    expect(SeismicError.is(error)).toBe(true);
    const e = error as SeismicError;
    expect(e.code).toBe(code);
    expect(e.status).toBe(status);
    expect(e.credential).toBe("client_credentials");
    expect(e.endpoint).toBe("POST /tenants/{tenant}/connect/token");
    expect(e.message).toContain(hint);
    expect(e.message).toContain("acme");
    expect(fake.apiRequests).toHaveLength(0);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it("retries the token request on 503 and network resets", async () => {
    const { fake, client } = await startHarness();
    fake.tokenHandler = (r) =>
      r.index === 0
        ? { status: 503, text: "busy" }
        : r.index === 1
          ? "reset"
          : { json: { access_token: "tok-SECRET-late", expires_in: 3600 } };
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(3);
    expect(client.stats().tokenRequests).toBe(3);
  });

  it("rejects a token response without access_token as invalid_response", async () => {
    const { fake, client } = await startHarness();
    fake.tokenHandler = () => ({ json: { expires_in: 3600 } });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("invalid_response");
    expect(error.message).toContain(
      "POST /tenants/{tenant}/connect/token returned a malformed response",
    );
    expect(error.message).toContain("access_token");
  });

  it("says what a token answer that is not JSON was, without quoting it", async () => {
    const { fake, client } = await startHarness();
    fake.tokenHandler = () => ({
      text: "access_token=tok-SECRET-plain&expires_in=3600",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("invalid_response");
    expect(error.message).toContain(
      "POST /tenants/{tenant}/connect/token returned a malformed response: the answer was 45 bytes of application/x-www-form-urlencoded that are not JSON.",
    );
    expect(error.message).not.toContain("expected object");
    expect(error.message).not.toContain("tok-SECRET");
  });
});

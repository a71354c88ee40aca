import { afterEach, describe, expect, it } from "vitest";
import { createSeismicClient } from "./client.js";
import type { SeismicError } from "./errors.js";
import { FakeClock, FakeSeismic, freePort } from "./test-support/fake-seismic.js";
import {
  closeAll,
  listResponse,
  SECRETS,
  scimUser,
  startHarness,
  track,
} from "./test-support/harness.js";

afterEach(closeAll);

const rateLimitBody = (seconds: number) => ({
  statusCode: 429,
  message: `Rate limit is exceeded. Try again in ${seconds} seconds.`,
  clientId: "client-id-1",
  tenant: "acme",
});

describe("429 handling", () => {
  it("waits for Retry-After when present", async () => {
    const { fake, client, clock } = await startHarness();
    fake.apiHandler = (r) =>
      r.index === 0
        ? { status: 429, headers: { "retry-after": "7" }, json: rateLimitBody(47) }
        : { json: listResponse([], 0) };
    await client.listUsers();
    expect(fake.apiRequests).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
    expect(client.stats()).toMatchObject({ calls: 2, retries: 1, rateLimited: 1 });
  });

  it('waits the seconds of "Try again in N seconds" without Retry-After', async () => {
    const { fake, client, clock } = await startHarness();
    fake.apiHandler = (r) =>
      r.index === 0 ? { status: 429, json: rateLimitBody(47) } : { json: listResponse([], 0) };
    await client.listUsers();
    expect(clock.sleeps).toEqual([47_000]);
  });

  it("backs off exponentially from 2 s, capped at 60 s, without any hint", async () => {
    const { fake, client, clock } = await startHarness({ maxRetries: 6 });
    fake.apiHandler = (r) =>
      r.index < 6 ? { status: 429, text: "slow down" } : { json: listResponse([], 0) };
    await client.listUsers();
    expect(clock.sleeps).toEqual([2000, 4000, 8000, 16_000, 32_000, 60_000]);
  });

  it("holds back concurrent callers during the pause", async () => {
    const { fake, client, clock } = await startHarness();
    const times: number[] = [];
    fake.apiHandler = (r) => {
      times.push(clock.now());
      return r.index === 0
        ? { status: 429, json: rateLimitBody(10) }
        : { json: listResponse([], 0) };
    };
    const start = clock.now();
    await client.listUsers();
    await Promise.all([client.listUsers(), client.listUsers()]);
    expect(times.slice(1).every((t) => t >= start + 10_000)).toBe(true);
  });

  it("gives up after maxRetries with rate_limited and the retry hint", async () => {
    const { fake, client } = await startHarness({ maxRetries: 2 });
    fake.apiHandler = () => ({
      status: 429,
      headers: { "x-seismic-remaining-calls": "0", "x-seismic-total-calls": "600" },
      json: rateLimitBody(30),
    });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("rate_limited");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.rateLimit).toMatchObject({ limit: 600, remaining: 0 });
    expect(error.rateLimit?.resetAt).toBeInstanceOf(Date);
    expect(fake.apiRequests).toHaveLength(3);
  });

  it("retries a POST after a 429", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) =>
      r.index === 0
        ? { status: 429, json: rateLimitBody(1) }
        : { status: 201, json: scimUser("u1") };
    const user = await client.createUser({
      userName: "u1@example.com",
      emails: [{ value: "u1@example.com", type: "work" }],
    });
    expect(user.id).toBe("u1");
    expect(fake.apiRequests).toHaveLength(2);
  });
});

describe("transient failures", () => {
  it("retries 5xx for GET, then succeeds", async () => {
    const { fake, client, clock } = await startHarness();
    fake.apiHandler = (r) =>
      r.index < 3
        ? { status: [500, 502, 504][r.index] ?? 500, text: "oops" }
        : { json: listResponse([], 0) };
    await client.listUsers();
    expect(fake.apiRequests).toHaveLength(4);
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(client.stats().retries).toBe(3);
  });

  it("gives up after maxRetries with server_error", async () => {
    const { fake, client } = await startHarness({ maxRetries: 3 });
    fake.apiHandler = () => ({ status: 503, text: "down" });
    const error = (await client.getUser("u1").catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("server_error");
    expect(error.status).toBe(503);
    expect(error.endpoint).toBe("GET /scim/v2/Users/{userId}");
    expect(error.message).toContain("after 4 attempts");
    expect(fake.apiRequests).toHaveLength(4);
  });

  it("retries a GET whose connection was reset", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) => (r.index === 0 ? "reset" : { json: scimUser("u1") });
    const user = await client.getUser("u1");
    expect(user.id).toBe("u1");
    expect(fake.apiRequests).toHaveLength(2);
  });

  it("retries a GET that timed out waiting for headers", async () => {
    // undici checks header timeouts on a ~0.5 s tick, so this test takes up to about a second.
    const { fake, client } = await startHarness({ timeouts: { headersMs: 100 } });
    fake.apiHandler = (r) =>
      r.index === 0 ? new Promise<never>(() => {}) : { json: scimUser("u1") };
    const user = await client.getUser("u1");
    expect(user.id).toBe("u1");
    expect(client.stats()).toMatchObject({ calls: 2, retries: 1 });
  });

  it("retries a GET whose 200 body is cut short or not JSON, like a reset connection", async () => {
    const { fake, client, clock, logger } = await startHarness();
    const whole = JSON.stringify(listResponse([scimUser("u1"), scimUser("u2")], 2));
    fake.apiHandler = (r) =>
      r.index === 0
        ? { text: whole.slice(0, 40), headers: { "content-type": "application/scim+json" } }
        : r.index === 1
          ? { text: "<html>Bad gateway</html>", headers: { "content-type": "text/html" } }
          : { text: whole };
    const page = await client.listUsers();
    expect(page.Resources.map((u) => u.id)).toEqual(["u1", "u2"]);
    expect(fake.apiRequests).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(client.stats()).toMatchObject({ calls: 3, retries: 2 });
    expect(
      logger.calls.filter((c) => c.message === "retrying seismic request").map((c) => c.fields),
    ).toMatchObject([{ reason: "malformed body" }, { reason: "malformed body" }]);
  });

  it("says what was received when a GET's body stays broken", async () => {
    const { fake, client } = await startHarness({ maxRetries: 2 });
    fake.apiHandler = () => ({
      text: "<!DOCTYPE html><html><body>Maintenance until 04:00</body></html>",
      headers: { "content-type": "text/html; charset=utf-8" },
    });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("invalid_response");
    expect(error.message).toBe(
      `GET /scim/v2/Users answered 200 with 64 bytes of text/html that are not JSON, starting "<!DOCTYPE html><html><body>Maintenance until 04:00</body></h… (4 more chars)", where JSON was expected: also after 3 attempts; try again later, and if it persists check for a proxy between this host and ${fake.url}.`,
    );
    fake.apiHandler = () => ({ text: '{"totalResults": 3, "Resources": [{"id": "u1", "us' });
    const cut = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(cut.message).toContain(
      "answered 200 with 50 bytes of text/plain that start as JSON but do not parse (cut short?)",
    );
    expect(cut.message).not.toContain("u1");
  });

  it("does not ask a POST again after a 2xx body that is not JSON", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 201, text: "created" });
    const error = (await client
      .createUser({ userName: "a@b.c", emails: [{ value: "a@b.c", type: "work" }] })
      .catch((e: unknown) => e)) as SeismicError;
    expect(fake.apiRequests).toHaveLength(1);
    expect(error.message).toBe(
      'POST /scim/v2/Users answered 201 with 7 bytes of text/plain that are not JSON, starting "created", where JSON was expected: not asked again because the request may have been processed; read the state back before trying again.',
    );
  });

  it("does not retry a POST after a 500", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 500, text: "boom" });
    const error = (await client
      .addUserToGroup("u1", "g1")
      .catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("server_error");
    expect(error.message).toContain("read the state back");
    expect(fake.apiRequests).toHaveLength(1);
  });

  it("does not retry a POST whose connection was reset", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => "reset";
    const error = (await client
      .addUserToGroup("u1", "g1")
      .catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.message).toContain("not retried");
    expect(fake.apiRequests).toHaveLength(1);
  });

  it("does not retry a PATCH after a 502 but does after a 503", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 502, text: "bad gateway" });
    const op = [{ op: "replace", path: "active", value: false }] as const;
    await expect(client.patchUser("u1", op)).rejects.toMatchObject({ code: "server_error" });
    expect(fake.apiRequests).toHaveLength(1);
    fake.apiHandler = (r) => (r.index === 1 ? { status: 503, text: "" } : { json: scimUser("u1") });
    await client.patchUser("u1", op);
    expect(fake.apiRequests).toHaveLength(3);
  });

  it("retries a POST after connection refused, once the API has answered before", async () => {
    const auth = track(await FakeSeismic.start());
    const port = await freePort();
    const clock = new FakeClock();
    const first = await FakeSeismic.start(port);
    first.apiHandler = () => ({ json: listResponse([], 0) });
    let api: FakeSeismic | undefined;
    clock.onSleep = async () => {
      api ??= track(await FakeSeismic.start(port));
      api.apiHandler = () => ({ status: 204 });
    };
    const client = track(
      createSeismicClient(
        {
          tenant: "acme",
          clientId: "id",
          clientSecret: SECRETS.clientSecret,
          delegationUserId: "u",
          apiUrl: `http://127.0.0.1:${port}`,
          authUrl: auth.url,
          rateLimit: false,
        },
        { clock, random: () => 0 },
      ),
    );
    await client.listUsers({ count: 1 });
    await first.close();
    await client.addUserToGroup("u1", "g1");
    expect(api?.apiRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /scim/v2/Users/u1/Groups/g1",
    ]);
    expect(client.stats()).toMatchObject({ calls: 3, retries: 1 });
  });

  it("reports an API that stopped answering as network after the retries", async () => {
    const port = await freePort();
    const api = await FakeSeismic.start(port);
    api.apiHandler = () => ({ json: listResponse([], 0) });
    const { client } = await startHarness({ apiUrl: `http://127.0.0.1:${port}`, maxRetries: 2 });
    await client.listUsers({ count: 1 });
    await api.close();
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.retryable).toBe(true);
    expect(client.stats()).toMatchObject({ calls: 4, retries: 2 });
  });

  it("turns a caller abort into an aborted error", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 503, text: "" });
    const controller = new AbortController();
    controller.abort();
    await expect(client.listUsers({ signal: controller.signal })).rejects.toMatchObject({
      code: "aborted",
    });
  });
});

describe("error mapping", () => {
  it("names the scope from the 403 body", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({
      status: 403,
      json: { message: "Missing required scope", requiredScope: "seismic.reporting" },
    });
    const error = (await client.listPlatformRoles().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("permission_denied");
    expect(error.scope).toBe("seismic.reporting");
    expect(error.message).toContain("seismic.reporting");
    expect(error.message).toContain("GET /reporting/v2/roles");
  });

  it.each([
    ["listUsers", "seismic.user.view"],
    ["createUser", "seismic.user.manage"],
    ["listUserRoleAssignments", "seismic.reporting"],
  ] as const)(
    "infers the scope of %s from the endpoint when the 403 body is silent",
    async (method, scope) => {
      const { fake, client } = await startHarness();
      fake.apiHandler = () => ({ status: 403, text: "Forbidden" });
      const call =
        method === "createUser"
          ? client.createUser({ userName: "x", emails: [{ value: "x@y.z", type: "work" }] })
          : client[method]();
      const error = (await (call as Promise<unknown>).catch((e: unknown) => e)) as SeismicError;
      expect(error.code).toBe("permission_denied");
      expect(error.scope).toBe(scope);
      expect(error.message).toContain(scope);
    },
  );

  it("parses SCIM error bodies", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({
      status: 400,
      json: {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        status: "400",
        scimType: "uniqueness",
        detail: "userName already exists",
      },
    });
    const error = (await client
      .createUser({ userName: "x", emails: [{ value: "x@y.z", type: "work" }] })
      .catch((e: unknown) => e)) as SeismicError;
    expect(error).toMatchObject({
      code: "bad_request",
      status: 400,
      scimType: "uniqueness",
      detail: "userName already exists",
      endpoint: "POST /scim/v2/Users",
    });
    expect(error.message).toContain("userName already exists");
  });

  it("truncates raw text bodies", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 404, text: `<html>${"x".repeat(5000)}</html>` });
    const error = (await client.getUser("nope").catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("not_found");
    expect(error.detail?.length).toBeLessThan(400);
  });

  it.each([
    [409, "conflict"],
    [405, "unsupported"],
    [422, "bad_request"],
  ] as const)("maps %i to %s", async (status, code) => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status, json: { detail: "x" } });
    await expect(client.getGroup("g1")).rejects.toMatchObject({ code, status });
  });
});

describe("credentials", () => {
  it("uses the static SCIM token for /scim/v2 and OAuth for reporting", async () => {
    const { fake, client } = await startHarness({ scimToken: SECRETS.scimToken });
    fake.apiHandler = (r) => ({ json: r.path.startsWith("/scim") ? listResponse([], 0) : [] });
    await client.listUsers();
    expect(fake.tokenRequests).toHaveLength(0);
    await client.listPlatformRoles();
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.apiRequests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ["/scim/v2/Users", `Bearer ${SECRETS.scimToken}`],
      ["/reporting/v2/roles", "Bearer tok-SECRET-1"],
    ]);
  });

  it("does not re-mint on a 401 to the static SCIM token and says which credential failed", async () => {
    const { fake, client } = await startHarness({ scimToken: SECRETS.scimToken });
    fake.apiHandler = () => ({ status: 401, text: "" });
    const error = (await client.listGroups().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("unauthenticated");
    expect(error.credential).toBe("scim_token");
    expect(error.message).toContain("static SCIM token");
    expect(fake.tokenRequests).toHaveLength(0);
    expect(fake.apiRequests).toHaveLength(1);
  });

  it("names the OAuth token in a 403 on reporting even when a SCIM token is set", async () => {
    const { fake, client } = await startHarness({ scimToken: SECRETS.scimToken });
    fake.apiHandler = () => ({ status: 403, text: "" });
    const error = (await client.listPlatformRoles().catch((e: unknown) => e)) as SeismicError;
    expect(error.credential).toBe("oauth_token");
    expect(error.message).toContain("OAuth delegation token");
    expect(error.message).not.toContain("SCIM token");
  });
});

describe("client-side rate limiting", () => {
  it("keeps calls under the limit in every rolling window", async () => {
    // Sequential calls: the virtual clock only moves inside the limiter, so the time the fake
    // sees is the admission time. rate-limiter.test.ts covers concurrent admission.
    const { fake, client, clock } = await startHarness({ rateLimit: { limit: 5, windowMs: 1000 } });
    const times: number[] = [];
    fake.apiHandler = () => {
      times.push(clock.now());
      return { json: listResponse([], 0) };
    };
    for (let i = 0; i < 23; i++) await client.listUsers();
    expect(times).toHaveLength(23);
    for (let i = 0; i + 5 < times.length; i++) {
      expect((times[i + 5] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    expect(client.stats().throttledMs).toBeGreaterThan(0);
  });

  it("spaces calls out when X-Seismic-Remaining-Calls is low", async () => {
    const { fake, client, clock } = await startHarness({
      rateLimit: { limit: 600, windowMs: 60_000 },
    });
    fake.apiHandler = () => ({
      headers: { "x-seismic-remaining-calls": "10", "x-seismic-total-calls": "590" },
      json: listResponse([], 0),
    });
    await client.listUsers();
    await client.listUsers();
    expect(clock.sleeps).toEqual([6000]);
    fake.apiHandler = () => ({
      headers: { "x-seismic-remaining-calls": "400" },
      json: listResponse([], 0),
    });
    await client.listUsers(); // still paced by the previous reply
    await client.listUsers(); // no longer paced
    expect(clock.sleeps).toEqual([6000, 6000]);
  });
});

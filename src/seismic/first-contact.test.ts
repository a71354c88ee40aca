// Fail fast on a wrong address: until an origin has answered once, a refused connection or a DNS
// failure is not retried and a silent host gets exactly two attempts; the error names the URL
// flag and is not retryable (so hosts do not retry it either). A reset after connecting still
// gets the normal retries, and so does any failure once the origin has answered.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "./config.js";
import type { SeismicError } from "./errors.js";
import { FirstContact } from "./first-contact.js";
import { FakeSeismic, freePort } from "./test-support/fake-seismic.js";
import { closeAll, listResponse, startHarness, track } from "./test-support/harness.js";

afterEach(closeAll);

/** A TCP server that accepts connections and never answers; counts the requests it gets. */
async function silentHost(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", (d: Buffer) => {
      requests += (d.toString("latin1").match(/^(GET|POST) /gm) ?? []).length;
    });
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const expectNoRetryable = (e: SeismicError) => expect(e.retryable).toBe(false);

describe("first contact with the API origin", () => {
  it("a refused connection is not retried and names --seismic-api-url", async () => {
    const port = await freePort();
    const { client, clock } = await startHarness({ apiUrl: `http://127.0.0.1:${port}` });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain("--seismic-api-url");
    expect(error.message).toContain("nothing has answered at that address yet");
    expectNoRetryable(error);
    expect(client.stats()).toMatchObject({ calls: 1, retries: 0 });
    expect(clock.sleeps).toEqual([]);
  });

  it("a host name that does not resolve is not retried either", async () => {
    const { client } = await startHarness({ apiUrl: "http://seismic-api.invalid" });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.message).toContain("--seismic-api-url");
    expectNoRetryable(error);
    expect(client.stats()).toMatchObject({ calls: 1, retries: 0 });
  });

  it("a silent host gets two attempts of one headers timeout each, then fails naming the flag", async () => {
    const host = track(await silentHost());
    const { client, clock } = await startHarness({
      apiUrl: host.url,
      timeouts: { headersMs: 150 },
    });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/timed out after 2 attempts/);
    expect(error.message).toContain("--seismic-api-url");
    expectNoRetryable(error);
    expect(host.requests()).toBe(2);
    expect(client.stats()).toMatchObject({ calls: 2, retries: 1 });
    // The second attempt follows at once: the first already waited a whole timeout.
    expect(clock.sleeps).toEqual([0]);
  });

  it("a reset after connecting gets the normal retries (something is listening)", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) => (r.index < 2 ? "reset" : { json: listResponse([], 0) });
    await expect(client.listUsers()).resolves.toMatchObject({ totalResults: 0 });
    expect(client.stats()).toMatchObject({ calls: 3, retries: 2 });
  });

  it("once the origin has answered, a silent host gets every configured retry", async () => {
    const api = await FakeSeismic.start();
    api.apiHandler = (r) =>
      r.index === 0 ? { json: listResponse([], 0) } : new Promise<never>(() => {});
    track(api);
    const { client } = await startHarness({
      apiUrl: api.url,
      maxRetries: 3,
      timeouts: { headersMs: 100 },
    });
    await client.listUsers({ count: 1 });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.retryable).toBe(true);
    expect(client.stats()).toMatchObject({ calls: 5, retries: 3 });
  });
});

describe("first contact with the auth origin", () => {
  it("a refused token service is not retried and names --seismic-auth-url", async () => {
    const port = await freePort();
    const { client } = await startHarness({ authUrl: `http://127.0.0.1:${port}` });
    const error = (await client.authenticate().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("network");
    expect(error.message).toContain("--seismic-auth-url");
    expectNoRetryable(error);
    expect(client.stats()).toMatchObject({ tokenRequests: 1, tokensMinted: 0 });
  });

  it("a silent token service gets two attempts", async () => {
    const host = track(await silentHost());
    const { client } = await startHarness({ authUrl: host.url, timeouts: { headersMs: 150 } });
    const error = (await client.authenticate().catch((e: unknown) => e)) as SeismicError;
    expect(error.message).toContain("--seismic-auth-url");
    expectNoRetryable(error);
    expect(host.requests()).toBe(2);
  });
});

describe("the budget a wrong address can cost", () => {
  it("defaults to a 30 s headers timeout, so a silent host ends within two of them", () => {
    const config = resolveConfig({
      tenant: "t",
      clientId: "c",
      clientSecret: "s",
      delegationUserId: "u",
    });
    expect(config.timeouts.headersMs).toBeLessThanOrEqual(30_000);
    expect(config.timeouts.connectMs).toBeLessThanOrEqual(15_000);
    const contact = new FirstContact();
    const timeout = {
      code: "UND_ERR_HEADERS_TIMEOUT",
      transient: true,
      notSent: false,
      timeout: true,
    };
    const refused = { code: "ECONNREFUSED", transient: true, notSent: true, timeout: false };
    expect(contact.verdict("https://x", timeout, config.maxRetries).maxRetries).toBe(1);
    expect(contact.verdict("https://x", refused, config.maxRetries).maxRetries).toBe(0);
    contact.answered("https://x");
    expect(contact.verdict("https://x", refused, config.maxRetries).maxRetries).toBe(
      config.maxRetries,
    );
  });
});

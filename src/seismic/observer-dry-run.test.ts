import { afterEach, describe, expect, it } from "vitest";
import { type DryRunRead, DryRunStop, type DryRunWrite } from "./dry-run.js";
import type { ApiAttemptEvent, ApiRetryEvent, TokenRequestEvent } from "./observer.js";
import { closeAll, listResponse, SECRETS, scimUser, startHarness } from "./test-support/harness.js";

afterEach(closeAll);

const clientWith = (options: Parameters<typeof startHarness>[1]) => startHarness({}, options);

describe("observer", () => {
  it("sees every attempt with its status, every retry and every token request", async () => {
    const attempts: ApiAttemptEvent[] = [];
    const retries: ApiRetryEvent[] = [];
    const tokens: TokenRequestEvent[] = [];
    const { fake, client } = await clientWith({
      observer: {
        apiAttempt: (e) => attempts.push(e),
        apiRetry: (e) => retries.push(e),
        tokenRequest: (e) => tokens.push(e),
      },
    });
    fake.apiHandler = (r) =>
      r.index === 0 ? { status: 503, text: "busy" } : { json: listResponse([scimUser("u1")], 1) };
    await client.listUsers();
    expect(attempts.map((a) => [a.endpoint, a.status])).toEqual([
      ["GET /scim/v2/Users", 503],
      ["GET /scim/v2/Users", 200],
    ]);
    expect(retries.map((r) => [r.endpoint, r.reason])).toEqual([
      ["GET /scim/v2/Users", "HTTP 503"],
    ]);
    expect(tokens).toEqual([{ outcome: "minted", status: 200 }]);
    expect(client.stats()).toMatchObject({ calls: 2, retries: 1, tokensMinted: 1 });
  });

  it("an observer that throws does not fail the call", async () => {
    const { fake, client } = await clientWith({
      observer: {
        apiAttempt: () => {
          throw new Error("observer bug");
        },
      },
    });
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    await expect(client.listUsers()).resolves.toMatchObject({ totalResults: 0 });
  });
});

describe("dry-run mode", () => {
  it("sends reads and reports them; stops at the first write without sending it", async () => {
    const reads: DryRunRead[] = [];
    const writes: DryRunWrite[] = [];
    const { fake, client } = await clientWith({
      dryRun: { read: (r) => reads.push(r), write: (w) => writes.push(w) },
    });
    fake.apiHandler = () => ({ json: scimUser("u1", { roles: [{ value: "Learner" }] }) });
    await client.getUser("u1");
    expect(reads).toEqual([
      {
        endpoint: "GET /scim/v2/Users/{userId}",
        path: "/scim/v2/Users/u1",
        status: 200,
        summary: expect.stringMatching(/^user u1 ".*", active true, roles \[Learner\]$/),
      },
    ]);
    const before = fake.apiRequests.length;
    const patch = client.patchUser("u1", [
      { op: "replace", path: "title", value: `secret ${SECRETS.clientSecret}` },
    ]);
    await expect(patch).rejects.toBeInstanceOf(DryRunStop);
    expect(fake.apiRequests).toHaveLength(before);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ method: "PATCH", path: "/scim/v2/Users/u1" });
    expect(writes[0]?.body).not.toContain(SECRETS.clientSecret);
    expect(JSON.parse(writes[0]?.body ?? "{}").Operations[0].path).toBe("title");
    await expect(client.deleteUser("u2")).rejects.toBeInstanceOf(DryRunStop);
    expect(fake.apiRequests).toHaveLength(before);
  });

  it("reports a refused read with its status before the error propagates", async () => {
    const reads: DryRunRead[] = [];
    const { fake, client } = await clientWith({
      dryRun: { read: (r) => reads.push(r), write: () => {} },
    });
    fake.apiHandler = () => ({ status: 404, json: { status: "404", detail: "no such user" } });
    await expect(client.getUser("gone")).rejects.toMatchObject({ code: "not_found" });
    expect(reads).toEqual([
      {
        endpoint: "GET /scim/v2/Users/{userId}",
        path: "/scim/v2/Users/gone",
        status: 404,
        summary: "not_found",
      },
    ]);
  });
});

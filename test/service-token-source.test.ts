// The access-token source of service mode against the fake ConductorOne's token endpoint, with an
// injected clock: concurrent callers share one mint, a token is reused until 10 s before it
// expires, a refused token is dropped, and the token type is normalized as Go's oauth2 does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseClientId, parseClientSecret } from "../src/baton/service/c1-credentials.js";
import { C1TokenSource, TokenError, tokenType } from "../src/baton/service/token-source.js";
import { type FakeC1, startFakeC1 } from "./helpers/fake-c1/index.js";

describe("the access-token source", () => {
  let fake: FakeC1;
  // Near the real time: the fake refuses an assertion whose iat is a minute off.
  let now = Date.now();
  const source = () =>
    new C1TokenSource({
      id: parseClientId(fake.creds.clientId),
      secret: parseClientSecret(fake.creds.clientSecret),
      apiHost: fake.apiHost,
      ca: [fake.certs.caCert],
      userAgent: "test",
      now: () => now,
    });

  beforeAll(async () => {
    fake = await startFakeC1({ tokenExpiresIn: 60 });
  });
  afterAll(() => fake?.close());

  it("mints once for concurrent callers and reuses the token until 10 s before expiry", async () => {
    const tokens = source();
    const before = fake.token.requests.length;
    const first = await Promise.all([1, 2, 3, 4, 5].map(() => tokens.authorization()));
    expect(new Set(first).size).toBe(1);
    expect(first[0]).toMatch(/^Bearer tok-/);
    expect(fake.token.requests.length - before).toBe(1);
    now += 49_000;
    expect(await tokens.authorization()).toBe(first[0]);
    now += 2_000;
    const second = await tokens.authorization();
    expect(second).not.toBe(first[0]);
    expect(fake.token.requests.length - before).toBe(2);
    tokens.invalidate(second);
    expect(await tokens.authorization()).not.toBe(second);
    expect(fake.token.violations).toEqual([]);
  });

  it("classifies failures: refused, unavailable, malformed", async () => {
    now = Date.now();
    const tokens = source();
    const failure = async () => {
      try {
        await tokens.authorization();
      } catch (e) {
        expect(e).toBeInstanceOf(TokenError);
        return (e as TokenError).failure;
      }
      return "none";
    };
    fake.token.faults.push("401", "503", "empty");
    expect([await failure(), await failure(), await failure()]).toEqual([
      "refused",
      "unavailable",
      "malformed",
    ]);
    expect(await failure()).toBe("none");
  });

  it("normalizes the token type", () => {
    expect(["bearer", "BEARER", "", "mac", "basic", "DPoP"].map(tokenType)).toEqual([
      "Bearer",
      "Bearer",
      "Bearer",
      "MAC",
      "Basic",
      "DPoP",
    ]);
  });
});

import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { ed25519Thumbprint, parseClientId, parseClientSecret } from "./c1-credentials.js";
import { audienceOf } from "./client-assertion.js";

const secretOf = (jwk: object, prefix = "secret-token:conductorone.com:v1:") =>
  `${prefix}${Buffer.from(JSON.stringify(jwk)).toString("base64url")}`;

function ed25519Jwk() {
  const { privateKey } = generateKeyPairSync("ed25519");
  return privateKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string; d: string };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("client id", () => {
  it("splits once at @ and once at /, keeping the host with its port", () => {
    expect(parseClientId("strange-hydra-68836@acme.conductor.one/pcc/x")).toEqual({
      clientId: "strange-hydra-68836@acme.conductor.one/pcc/x",
      clientName: "strange-hydra-68836",
      tokenHost: "acme.conductor.one",
    });
    expect(parseClientId("a@b@host:8443/u").tokenHost).toBe("b@host:8443");
  });

  it("refuses ids without @ or /, naming BATON_CLIENT_ID", () => {
    for (const bad of ["acme.conductor.one/pcc", "name@acme.conductor.one", "name@/pcc", ""]) {
      expect(refusal(() => parseClientId(bad))).toMatch(/^--client-id \(BATON_CLIENT_ID\): /);
    }
  });

  it("the audience drops a port but keeps the host", () => {
    expect(audienceOf("tenant.conductor.one")).toBe("tenant.conductor.one");
    expect(audienceOf("localhost:18443")).toBe("localhost");
    expect(audienceOf("[::1]:443")).toBe("::1");
  });
});

describe("client secret", () => {
  it("loads an Ed25519 private JWK; the key id is its RFC 7638 thumbprint", () => {
    const jwk = ed25519Jwk();
    const parsed = parseClientSecret(secretOf({ kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }));
    expect(parsed.privateKey.asymmetricKeyType).toBe("ed25519");
    expect(parsed.kid).toBeUndefined();
    const expected = createHash("sha256")
      .update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`)
      .digest("hex");
    expect(parsed.thumbprint).toBe(expected);
    expect(ed25519Thumbprint(jwk.x)).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.secretForms).toContain(jwk.d);
  });

  it("keeps the JWK's kid; anything after the JWK makes it unreadable", () => {
    const jwk = ed25519Jwk();
    expect(parseClientSecret(secretOf({ ...jwk, kid: "k1" })).kid).toBe("k1");
    expect(refusal(() => parseClientSecret(`${secretOf(jwk)}:extra`))).toMatch(
      /not base64url-encoded JSON/,
    );
  });

  it("refuses every malformed secret with one line naming BATON_CLIENT_SECRET", () => {
    const jwk = ed25519Jwk();
    const other = ed25519Jwk();
    const cases: [string, RegExp][] = [
      ["plain", /four ':'-separated fields/],
      ["a:b:v2:c", /unsupported version "v2"/],
      ["secret-token:conductorone.com:v1:!!!", /not base64url-encoded JSON/],
      [secretOf({ kty: "OKP", crv: "Ed25519", x: jwk.x }), /no private part/],
      [secretOf({ kty: "OKP", crv: "X25519", x: jwk.x, d: jwk.d }), /not an Ed25519 key/],
      [secretOf({ kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" }), /not an Ed25519 key/],
      [secretOf({ kty: "OKP", crv: "Ed25519", d: jwk.d }), /no public part/],
      [secretOf({ kty: "OKP", crv: "Ed25519", x: other.x, d: jwk.d }), /does not match/],
    ];
    for (const [secret, why] of cases) {
      const message = refusal(() => parseClientSecret(secret));
      expect(message).toMatch(/^--client-secret \(BATON_CLIENT_SECRET\): invalid client secret/);
      expect(message).toMatch(why);
      expect(message).not.toContain(jwk.d);
    }
  });
});

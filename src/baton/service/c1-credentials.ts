/**
 * ConductorOne's connector credentials: the client id
 * `<clientName>@<tokenHost>/<useCase>` and the client secret
 * `secret-token:conductorone.com:v1:<base64url(Ed25519 private JWK)>`. Both are parsed before any
 * network traffic, so a pasted value with a typo fails at start-up with one line naming the
 * variable, never as a refused token later.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { UsageError } from "../errors.js";

/** How the two settings are named to the operator. */
export const CLIENT_ID_SOURCE = "--client-id (BATON_CLIENT_ID)";
export const CLIENT_SECRET_SOURCE = "--client-secret (BATON_CLIENT_SECRET)";

/** The parsed client id. */
export interface C1ClientId {
  /** The whole id, sent as `client_id`, `iss` and `sub`. */
  readonly clientId: string;
  /** Used only in the user agent. */
  readonly clientName: string;
  /** The JWT audience and default API host, e.g. `acme.conductor.one` (may carry a port). */
  readonly tokenHost: string;
}

/** The parsed client secret: the signing key and the key id C1 encrypts passwords to. */
export interface C1ClientSecret {
  readonly privateKey: KeyObject;
  /** The JWK's own `kid`, when it has one (then sent in the JWS header). */
  readonly kid: string | undefined;
  /** RFC 7638 SHA-256 thumbprint of the public key, lower-case hex. */
  readonly thumbprint: string;
  /** Strings that must never be logged: the base64url JWK and its private part. */
  readonly secretForms: readonly string[];
}

/** Splits the client id once at `@`, then once at `/`; either split failing is an error. */
export function parseClientId(input: string): C1ClientId {
  const at = input.indexOf("@");
  const slash = at < 0 ? -1 : input.indexOf("/", at + 1);
  const clientName = input.slice(0, Math.max(at, 0));
  const tokenHost = at < 0 || slash < 0 ? "" : input.slice(at + 1, slash);
  if (at < 0 || slash < 0 || tokenHost === "") {
    throw new UsageError(
      `${CLIENT_ID_SOURCE}: not a ConductorOne client id; expected <name>@<tenant>.conductor.one/<use>, as shown when the connector's credentials were created`,
    );
  }
  return { clientId: input, clientName, tokenHost };
}

/** A one-line reason the secret is unusable, naming the variable. */
function badSecret(why: string): UsageError {
  return new UsageError(
    `${CLIENT_SECRET_SOURCE}: invalid client secret (${why}); paste the whole secret-token:conductorone.com:v1:… value ConductorOne showed`,
  );
}

interface Jwk {
  kty?: unknown;
  crv?: unknown;
  x?: unknown;
  d?: unknown;
  kid?: unknown;
}

/**
 * Parses the secret: four `:`-separated fields (the last may contain `:`), the third `v1`, the
 * fourth an Ed25519 private JWK whose `x` matches its `d`.
 */
export function parseClientSecret(input: string): C1ClientSecret {
  const parts = splitN(input, ":", 4);
  if (parts.length !== 4) throw badSecret("expected four ':'-separated fields");
  if (parts[2] !== "v1") throw badSecret(`unsupported version "${parts[2]}", expected v1`);
  const encoded = parts[3] ?? "";
  let jwk: Jwk;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new Error("not base64url");
    jwk = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Jwk;
    if (typeof jwk !== "object" || jwk === null) throw new Error("not an object");
  } catch {
    throw badSecret("the key is not base64url-encoded JSON");
  }
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519") throw badSecret("the key is not an Ed25519 key");
  if (typeof jwk.d !== "string" || Buffer.from(jwk.d, "base64url").length !== 32)
    throw badSecret("the key has no private part");
  if (typeof jwk.x !== "string" || Buffer.from(jwk.x, "base64url").length !== 32)
    throw badSecret("the key has no public part");
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x },
      format: "jwk",
    });
  } catch {
    throw badSecret("the key does not load");
  }
  const publicJwk = createPublicKey(privateKey).export({ format: "jwk" });
  if (publicJwk.x !== jwk.x) throw badSecret("its public part does not match its private part");
  return {
    privateKey,
    kid: typeof jwk.kid === "string" && jwk.kid !== "" ? jwk.kid : undefined,
    thumbprint: ed25519Thumbprint(jwk.x),
    secretForms: [input, encoded, jwk.d],
  };
}

/** RFC 7638: SHA-256 over `{"crv","kty","x"}` in that order, as lower-case hex. */
export function ed25519Thumbprint(x: string): string {
  const canonical = JSON.stringify({ crv: "Ed25519", kty: "OKP", x });
  return createHash("sha256").update(canonical).digest("hex");
}

/** Go's strings.SplitN: at most `n` parts, the last holding the rest. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/**
 * The signed JWT a connector presents to ConductorOne's token endpoint (OAuth 2 client
 * credentials with `private_key_jwt`, as the Go SDK signs it): an EdDSA compact JWS
 * whose protected header is exactly `alg` and a 16-byte hex `nonce` (plus `kid` when the JWK has
 * one), and whose claims are `iss = sub = client id`, `aud` = the token host without its port as
 * a JSON string, and integer `iat`, `exp = iat + 120`, `nbf = iat − 120`.
 */
import { randomBytes, sign } from "node:crypto";
import type { C1ClientId, C1ClientSecret } from "./c1-credentials.js";

/** Lifetime of an assertion either side of now, in seconds. */
export const ASSERTION_WINDOW_SECONDS = 120;

/** The audience: the client id's host, port removed (BATON_C1_API_HOST never changes it). */
export function audienceOf(tokenHost: string): string {
  if (tokenHost.startsWith("[")) return tokenHost.slice(1, tokenHost.indexOf("]"));
  const colon = tokenHost.lastIndexOf(":");
  return colon >= 0 && /^\d+$/.test(tokenHost.slice(colon + 1))
    ? tokenHost.slice(0, colon)
    : tokenHost;
}

/** Builds and signs one assertion at `nowMs`. */
export function clientAssertion(id: C1ClientId, secret: C1ClientSecret, nowMs: number): string {
  const header: Record<string, string> = { alg: "EdDSA" };
  if (secret.kid) header.kid = secret.kid;
  header.nonce = randomBytes(16).toString("hex");
  const iat = Math.floor(nowMs / 1000);
  const claims = {
    iss: id.clientId,
    sub: id.clientId,
    aud: audienceOf(id.tokenHost),
    exp: iat + ASSERTION_WINDOW_SECONDS,
    nbf: iat - ASSERTION_WINDOW_SECONDS,
    iat,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign(null, Buffer.from(input), secret.privateKey).toString("base64url");
  return `${input}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

// Throwaway ConductorOne connector credentials for the fake control plane: an Ed25519 key, the
// client secret that carries it as a JWK, and the client id of a tenant "tenant.conductor.one".
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";

export interface TestC1Credentials {
  clientId: string;
  clientSecret: string;
  publicKey: KeyObject;
  /** RFC 7638 SHA-256 thumbprint of the public JWK, hex: the key id C1 encrypts to. */
  thumbprint: string;
  /** The token host (and JWT audience) in the client id. */
  audience: string;
}

export function makeC1Credentials(name = "test-1"): TestC1Credentials {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const encoded = Buffer.from(
    JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }),
  ).toString("base64url");
  const thumbprint = createHash("sha256")
    .update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`)
    .digest("hex");
  return {
    clientId: `${name}@tenant.conductor.one/pcc`,
    clientSecret: `secret-token:conductorone.com:v1:${encoded}`,
    publicKey,
    thumbprint,
    audience: "tenant.conductor.one",
  };
}

/** Builds a secret from arbitrary JWK JSON, to test the parser's refusals. */
export function secretFromJwk(jwk: object): string {
  return `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify(jwk)).toString("base64url")}`;
}

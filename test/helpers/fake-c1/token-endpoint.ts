// The fake's POST /auth/v1/token: checks every fact of the token request the Go SDK makes (form
// fields, the EdDSA signature, header keys, claims, `aud` as a string, the time window), records
// each violation, and issues short-lived random tokens so that refresh happens during a test.
import { randomBytes, verify } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { TestC1Credentials } from "./credentials.js";

export type TokenFault = "503" | "401" | "empty";

export interface IssuedToken {
  value: string;
  /** performance.now() after which it is expired. */
  expiresAt: number;
  issuedAt: number;
}

export interface TokenEndpointState {
  /** Seconds of each issued token (default 3600). */
  expiresIn: number;
  faults: TokenFault[];
  issued: IssuedToken[];
  assertions: string[];
  requests: {
    t: number;
    userAgent: string;
    header: Record<string, unknown>;
    claims: Record<string, unknown>;
  }[];
  violations: string[];
}

export function newTokenState(expiresIn = 3600): TokenEndpointState {
  return { expiresIn, faults: [], issued: [], assertions: [], requests: [], violations: [] };
}

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

function reply(res: Res, status: number, body: unknown): void {
  (res as ServerResponse).writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function handleToken(
  req: Req,
  res: Res,
  creds: TestC1Credentials,
  state: TokenEndpointState,
): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const problems: string[] = [];
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
      problems.push(`content-type ${req.headers["content-type"]}`);
    if (form.get("client_id") !== creds.clientId) problems.push("client_id");
    if (form.get("grant_type") !== "client_credentials") problems.push("grant_type");
    if (
      form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
      problems.push("client_assertion_type");
    const jws = form.get("client_assertion") ?? "";
    state.assertions.push(jws);
    const [h = "", c = "", s = ""] = jws.split(".");
    let header: Record<string, unknown> = {};
    let claims: Record<string, unknown> = {};
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    } catch {
      problems.push("assertion is not a compact JWS");
    }
    if (!verify(null, Buffer.from(`${h}.${c}`), creds.publicKey, Buffer.from(s, "base64url")))
      problems.push("signature");
    if (JSON.stringify(Object.keys(header).sort()) !== JSON.stringify(["alg", "nonce"]))
      problems.push(`header keys ${Object.keys(header).join(",")}`);
    if (header.alg !== "EdDSA") problems.push("alg");
    if (!/^[0-9a-f]{32}$/.test(String(header.nonce))) problems.push("nonce");
    if (claims.iss !== creds.clientId || claims.sub !== creds.clientId) problems.push("iss/sub");
    if (claims.aud !== creds.audience) problems.push(`aud ${JSON.stringify(claims.aud)}`);
    const iat = Number(claims.iat);
    if (Number(claims.exp) - iat !== 120 || iat - Number(claims.nbf) !== 120)
      problems.push("times");
    if (Math.abs(iat - Date.now() / 1000) > 60) problems.push("iat not now");
    if (!Number.isInteger(iat)) problems.push("iat not an integer");
    state.requests.push({
      t: performance.now(),
      userAgent: String(req.headers["user-agent"] ?? ""),
      header,
      claims,
    });
    const fault = state.faults.shift();
    if (fault === "503") return reply(res, 503, { error: "unavailable" });
    if (fault === "401" || problems.length > 0) {
      if (problems.length > 0) state.violations.push(...problems);
      return reply(res, 401, { error: "invalid_client" });
    }
    if (fault === "empty") return reply(res, 200, { access_token: "", token_type: "bearer" });
    const now = performance.now();
    const token: IssuedToken = {
      value: `tok-${state.issued.length + 1}-${randomBytes(12).toString("hex")}`,
      expiresAt: now + state.expiresIn * 1000,
      issuedAt: now,
    };
    state.issued.push(token);
    reply(res, 200, {
      access_token: token.value,
      token_type: "bearer",
      expires_in: state.expiresIn,
    });
  });
}

/**
 * Access tokens for ConductorOne's API: a form POST to
 * `https://<host>/auth/v1/token` with a freshly signed client assertion. A token is reused until
 * 10 s before it expires; minting is serialized, so many RPCs at once cause one request. The
 * token call itself is never retried: its failure is classified so start-up can say what to fix
 * and the poll loop can back off.
 */
import { request } from "node:https";
import type { C1ClientId, C1ClientSecret } from "./c1-credentials.js";
import { clientAssertion } from "./client-assertion.js";

/** Tokens are minted again this long before they expire. */
export const TOKEN_REFRESH_MARGIN_MS = 10_000;

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * Why a token could not be had: `refused` (the endpoint said no: fix the credentials),
 * `unavailable` (a 5xx or 429: try later), `unreachable` (no answer: fix the host or network),
 * `tls` (the certificate is not trusted), `malformed` (an answer without a token).
 */
export type TokenFailure = "refused" | "unavailable" | "unreachable" | "tls" | "malformed";

export class TokenError extends Error {
  override name = "TokenError";
  constructor(
    readonly failure: TokenFailure,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface TokenSourceOptions {
  id: C1ClientId;
  secret: C1ClientSecret;
  /** `host[:port]` of the token endpoint: BATON_C1_API_HOST, else the client id's host. */
  apiHost: string;
  /** Trusted roots (see trust-store.ts). */
  ca: readonly string[];
  userAgent: string;
  timeoutMs?: number;
  now?: () => number;
  /** Receives every assertion and access token minted, so logs can scrub them. */
  onSecret?: (value: string) => void;
}

interface Token {
  authorization: string;
  /** When to mint the next one (ms since the epoch); Infinity for a token without expiry. */
  renewAt: number;
}

export class C1TokenSource {
  private current: Token | undefined;
  private minting: Promise<Token> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TokenSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The `authorization` metadata value, minting a token when the cached one is due. */
  async authorization(): Promise<string> {
    const t = this.current;
    if (t && this.now() < t.renewAt) return t.authorization;
    this.minting ??= this.mint().finally(() => {
      this.minting = undefined;
    });
    return (await this.minting).authorization;
  }

  /** Forgets `authorization` (after the API refused it), so the next call mints a new one. */
  invalidate(authorization: string): void {
    if (this.current?.authorization === authorization) this.current = undefined;
  }

  private async mint(): Promise<Token> {
    const o = this.options;
    const assertion = clientAssertion(o.id, o.secret, this.now());
    o.onSecret?.(assertion);
    const body = new URLSearchParams({
      client_id: o.id.clientId,
      grant_type: "client_credentials",
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    }).toString();
    const started = this.now();
    const { status, text } = await post(`https://${o.apiHost}/auth/v1/token`, body, o);
    if (status !== 200) {
      const failure: TokenFailure = status >= 500 || status === 429 ? "unavailable" : "refused";
      throw new TokenError(
        failure,
        `the token endpoint answered HTTP ${status}${errorField(text)}`,
      );
    }
    let parsed: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new TokenError("malformed", "the token endpoint answered without JSON");
    }
    const token = typeof parsed.access_token === "string" ? parsed.access_token : "";
    if (token === "") throw new TokenError("malformed", "the token endpoint sent no access_token");
    o.onSecret?.(token);
    const expiresIn = typeof parsed.expires_in === "number" ? parsed.expires_in : 0;
    const current: Token = {
      authorization: `${tokenType(parsed.token_type)} ${token}`,
      // Like Go's oauth2: no expiry means the token is kept until the API refuses it.
      renewAt:
        expiresIn > 0
          ? started + expiresIn * 1000 - TOKEN_REFRESH_MARGIN_MS
          : Number.POSITIVE_INFINITY,
    };
    this.current = current;
    return current;
  }
}

/** `bearer` → `Bearer` (likewise MAC and Basic); empty → `Bearer`, as Go's oauth2 does. */
export function tokenType(type: unknown): string {
  const t = typeof type === "string" ? type : "";
  for (const known of ["Bearer", "MAC", "Basic"])
    if (t.toLowerCase() === known.toLowerCase()) return known;
  return t === "" ? "Bearer" : t;
}

/** ` (error: invalid_client)` from an OAuth error body, when it has one. */
function errorField(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    return typeof e === "string" && /^[\w.-]{1,64}$/.test(e) ? ` (error: ${e})` : "";
  } catch {
    return "";
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|HOSTNAME/;

function post(
  url: string,
  body: string,
  o: TokenSourceOptions,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        ca: [...o.ca],
        minVersion: "TLSv1.2",
        timeout: o.timeoutMs ?? 60_000,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          accept: "application/json",
          "user-agent": `baton-c1-credential-provider ${o.userAgent}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) =>
          reject(new TokenError("unreachable", `the token answer broke off (${e.message})`, e)),
        );
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
    );
    req.on("error", (e: NodeJS.ErrnoException) => {
      const code = e.code ?? "";
      reject(
        TLS_CODES.test(code)
          ? new TokenError("tls", `TLS to ${o.apiHost} failed: ${e.message}`, e)
          : new TokenError("unreachable", `cannot reach ${o.apiHost} (${code || e.message})`, e),
      );
    });
    req.end(body);
  });
}

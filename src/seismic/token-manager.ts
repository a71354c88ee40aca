// Mints and caches the OAuth access token of Seismic's "client credentials with user delegation"
// flow. There is no refresh token: a new token is minted shortly before the old one expires, one
// request serves all concurrent callers, and the API path asks for a re-mint once after a 401.
import type { Dispatcher } from "undici";
import { decodeJsonBody } from "./body-faults.js";
import type { Clock } from "./clock.js";
import type { ResolvedSeismicConfig } from "./config.js";
import { endpointLabel, expandPath, joinUrl, TOKEN_ENDPOINT } from "./endpoints.js";
import { SeismicError } from "./errors.js";
import type { FirstContact } from "./first-contact.js";
import { safeJson } from "./json.js";
import type { SeismicLogger } from "./logger.js";
import { OAuthErrorBody, TokenResponse } from "./models.js";
import { notify, type SeismicObserver } from "./observer.js";
import { type SecretRedactor, truncate } from "./redact.js";
import {
  type BackoffPolicy,
  backoffDelay,
  classifyNetworkError,
  parseRetryAfter,
  parseTryAgainIn,
} from "./retry.js";
import type { StatsCounter } from "./stats.js";
import { sendOnce } from "./transport.js";
import { invalidResponse, parseResponse } from "./validation.js";

/** Lifetime assumed when the token response has no `expires_in` (CODE-oauth-ts uses 3600 s). */
const DEFAULT_LIFETIME_MS = 3_600_000;
/** Refresh this long before expiry, or 10% of the lifetime when that is shorter. */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;

/** Supplies the bearer token for OAuth-authenticated calls. */
export interface AccessTokenSource {
  /** A valid token, minted when none is cached or the cached one is about to expire. */
  getToken(): Promise<string>;
  /** Forgets `token` if it is still the cached one (after the API answered 401 to it). */
  invalidate(token: string): void;
}

/** Everything the token manager needs; the client wires it. */
export interface TokenManagerOptions {
  config: ResolvedSeismicConfig;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: SeismicLogger;
  redactor: SecretRedactor;
  stats: StatsCounter;
  backoff: BackoffPolicy;
  random: () => number;
  /** Which origins have answered: a wrong auth address fails fast (first-contact.ts). */
  firstContact: FirstContact;
  /** Told about every token request. */
  observer?: SeismicObserver | undefined;
}

interface CachedToken {
  value: string;
  refreshAtMs: number;
}

/**
 * Caches the delegation token and mints it with
 * `POST {authUrl}/tenants/{tenant}/connect/token` (form: `grant_type=delegation`, `client_id`,
 * `client_secret`, `user_id`, `scope` space-separated).
 *
 * The token is reused until `expires_in` minus min(5 min, 10% of the lifetime). Concurrent
 * callers share one in-flight mint. Minting changes nothing server-side, so 429, 5xx and network
 * failures are retried like idempotent calls (up to `maxRetries`; fewer until the auth origin
 * has answered once, see first-contact.ts).
 *
 * @throws SeismicError `invalid_client`, `invalid_grant`, `invalid_scope`, `unknown_tenant`,
 *   `token_rejected`, `rate_limited`, `server_error`, `network` or `invalid_response`.
 */
export class TokenManager implements AccessTokenSource {
  readonly #o: TokenManagerOptions;
  readonly #label = endpointLabel(TOKEN_ENDPOINT);
  #cached: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(options: TokenManagerOptions) {
    this.#o = options;
    options.redactor.add(options.config.clientSecret);
  }

  getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#o.clock.now() < cached.refreshAtMs) return Promise.resolve(cached.value);
    if (!this.#inFlight) {
      this.#inFlight = this.#mint().finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  }

  invalidate(token: string): void {
    if (this.#cached?.value === token) this.#cached = undefined;
  }

  async #mint(): Promise<string> {
    const { config, clock, logger, stats, backoff, random } = this.#o;
    const url = joinUrl(config.authUrl, expandPath(TOKEN_ENDPOINT.path, { tenant: config.tenant }));
    const form = new URLSearchParams({
      grant_type: "delegation",
      client_id: config.clientId,
      client_secret: config.clientSecret,
      user_id: config.delegationUserId,
    });
    if (config.scopes.length > 0) form.set("scope", config.scopes.join(" "));
    const body = form.toString();

    for (let retry = 0; ; retry++) {
      const startedAt = clock.now();
      stats.tokenRequests++;
      let reply: Awaited<ReturnType<typeof sendOnce>>;
      try {
        reply = await sendOnce(this.#o.dispatcher, {
          method: TOKEN_ENDPOINT.method,
          url,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
            "user-agent": config.userAgent,
          },
          body,
          headersTimeoutMs: config.timeouts.headersMs,
          bodyTimeoutMs: config.timeouts.bodyMs,
        });
      } catch (error) {
        notify(this.#o.observer, "tokenRequest", { outcome: "failed", status: "network" });
        const failure = classifyNetworkError(error);
        const contact = this.#o.firstContact.verdict(url.origin, failure, config.maxRetries);
        if (failure.transient && retry < contact.maxRetries) {
          await this.#wait(
            retry,
            contact.neverAnswered && failure.timeout
              ? 0
              : backoffDelay(retry, backoff.baseDelayMs, backoff.maxDelayMs, random),
            failure.code,
          );
          continue;
        }
        const never = contact.neverAnswered ? ", and nothing has answered at that address yet" : "";
        throw new SeismicError(
          "network",
          `Could not reach the Seismic auth server at ${config.authUrl.origin} (${failure.code}) for tenant ${config.tenant}${never}: check --seismic-auth-url and the network`,
          {
            endpoint: this.#label,
            credential: "client_credentials",
            retryable: failure.transient && !contact.neverAnswered,
            cause: error,
          },
        );
      }
      this.#o.firstContact.answered(url.origin);

      if (reply.status >= 200 && reply.status < 300) {
        // Never quoted: a token answer that is not JSON may still hold a credential.
        const decoded = decodeJsonBody(reply.text, reply.header("content-type"), false);
        if (!decoded.ok) {
          invalidResponse(this.#label, `the answer was ${decoded.received}`, {
            status: reply.status,
          });
        }
        const token = parseResponse(TokenResponse, decoded.value, this.#label, {
          status: reply.status,
        });
        const lifetimeMs = token.expires_in ? token.expires_in * 1000 : DEFAULT_LIFETIME_MS;
        const marginMs = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
        this.#o.redactor.add(token.access_token);
        this.#cached = {
          value: token.access_token,
          refreshAtMs: startedAt + lifetimeMs - marginMs,
        };
        stats.tokensMinted++;
        notify(this.#o.observer, "tokenRequest", { outcome: "minted", status: reply.status });
        logger.info(
          { tenant: config.tenant, expiresInSeconds: lifetimeMs / 1000, scopes: config.scopes },
          "minted Seismic access token",
        );
        return token.access_token;
      }

      notify(this.#o.observer, "tokenRequest", { outcome: "failed", status: reply.status });
      const transient = reply.status === 429 || reply.status >= 500;
      if (transient && retry < config.maxRetries) {
        const hinted =
          parseRetryAfter(reply.header("retry-after"), clock.now()) ?? parseTryAgainIn(reply.text);
        const delay =
          hinted ??
          (reply.status === 429
            ? backoffDelay(retry, backoff.rateLimitBaseDelayMs, backoff.rateLimitMaxDelayMs, random)
            : backoffDelay(retry, backoff.baseDelayMs, backoff.maxDelayMs, random));
        if (delay <= config.maxRetryAfterMs) {
          await this.#wait(retry, delay, `HTTP ${reply.status}`);
          continue;
        }
      }
      throw this.#tokenError(reply.status, reply.text);
    }
  }

  async #wait(retry: number, delayMs: number, reason: string): Promise<void> {
    this.#o.logger.warn(
      { endpoint: this.#label, tenant: this.#o.config.tenant, retry: retry + 1, delayMs, reason },
      "retrying Seismic token request",
    );
    await this.#o.clock.sleep(delayMs);
  }

  /** Maps a token endpoint refusal to an error that says which setting to check. */
  #tokenError(status: number, text: string): SeismicError {
    const { tenant, delegationUserId, scopes } = this.#o.config;
    const parsed = OAuthErrorBody.safeParse(safeJson(text));
    const oauthError = parsed.success ? parsed.data.error : undefined;
    const description = parsed.success ? parsed.data.error_description : undefined;
    const detail = this.#o.redactor.scrub(truncate(description ?? (parsed.success ? "" : text)));
    const base = {
      status,
      endpoint: this.#label,
      credential: "client_credentials" as const,
      oauthError,
      detail: detail || undefined,
    };
    const suffix = detail ? ` Seismic said: ${detail}` : "";
    switch (oauthError) {
      case "invalid_client":
        return new SeismicError(
          "invalid_client",
          `Seismic rejected the client id or secret (invalid_client) for tenant ${tenant}: check --seismic-tenant, --seismic-client-id and --seismic-client-secret (Seismic answers invalid_client for an unknown tenant too; a new secret takes 5-10 minutes to activate).${suffix}`,
          base,
        );
      case "invalid_grant":
        return new SeismicError(
          "invalid_grant",
          `Seismic refused to act as delegation user ${delegationUserId} (invalid_grant) for tenant ${tenant}: the user is unknown, locked, or not the delegated user chosen when the app was enabled; check --seismic-delegation-user-id.${suffix}`,
          base,
        );
      case "invalid_scope":
        return new SeismicError(
          "invalid_scope",
          `Seismic refused the requested scopes (invalid_scope) "${scopes.join(" ")}" for tenant ${tenant}: register them for the app in App Registration (a scope change issues a new client id and secret) or request fewer.${suffix}`,
          { ...base, scope: scopes.join(" ") },
        );
      case "unauthorized_client":
        return new SeismicError(
          "token_rejected",
          `Seismic does not allow this app to use the delegation grant (unauthorized_client) for tenant ${tenant}: choose "Client Credentials" as the app's authentication method.${suffix}`,
          base,
        );
      default:
        break;
    }
    if (status === 404) {
      return new SeismicError(
        "unknown_tenant",
        `Seismic does not know tenant "${tenant}" (404 from ${this.#label}): check --seismic-tenant (the subdomain of https://${tenant}.seismic.com) and --seismic-auth-url.`,
        base,
      );
    }
    if (status === 429) {
      return new SeismicError(
        "rate_limited",
        `The Seismic auth server kept rate-limiting token requests for tenant ${tenant} (429): wait and try again.${suffix}`,
        { ...base, retryable: true },
      );
    }
    if (status >= 500) {
      return new SeismicError(
        "server_error",
        `The Seismic auth server failed (${status}) minting a token for tenant ${tenant}: try again later.${suffix}`,
        { ...base, retryable: true },
      );
    }
    return new SeismicError(
      "token_rejected",
      `Seismic refused to issue a token for tenant ${tenant} (${status}${oauthError ? ` ${oauthError}` : ""}): check the client id, secret, delegation user and scopes.${suffix}`,
      base,
    );
  }
}

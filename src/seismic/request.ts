// The one request path of the Seismic API client. Every SCIM and Reporting call goes through
// `RequestPipeline.send`: client-side rate limiting, the bearer credential, one re-mint after a
// 401, 429 and transient-failure retries (rules in retry.ts), rate-limit header bookkeeping,
// error mapping and response validation. Optionally it reports each attempt to an observer, and
// in dry-run mode it lets reads through and stops at the first write (dry-run.ts).
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { type DecodedBody, decodeJsonBody } from "./body-faults.js";
import type { Clock } from "./clock.js";
import type { ResolvedSeismicConfig } from "./config.js";
import { type DryRunHooks, DryRunStop, summarizeReply } from "./dry-run.js";
import { type Endpoint, endpointLabel, expandPath, joinUrl } from "./endpoints.js";
import { type RateLimitInfo, type SeismicCredential, SeismicError } from "./errors.js";
import type { FirstContact } from "./first-contact.js";
import type { SeismicLogger } from "./logger.js";
import { notify, type SeismicObserver } from "./observer.js";
import type { RateLimiter, ServerQuota } from "./rate-limiter.js";
import type { SecretRedactor } from "./redact.js";
import { errorForResponse } from "./response-errors.js";
import type { ResponseFacts } from "./response-facts.js";
import {
  type BackoffPolicy,
  backoffDelay,
  classifyNetworkError,
  isIdempotent,
  isRetryableStatus,
  parseRetryAfter,
  parseTryAgainIn,
} from "./retry.js";
import type { StatsCounter } from "./stats.js";
import type { AccessTokenSource } from "./token-manager.js";
import { type HttpReply, sendOnce } from "./transport.js";
import { parseResponse } from "./validation.js";

/** One API call: which endpoint, its path parameters, query and JSON body. */
export interface ApiCall {
  endpoint: Endpoint;
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | number | undefined>>;
  body?: unknown;
  signal?: AbortSignal;
}

/** A successful (2xx) response. */
export interface ApiReply {
  status: number;
  text: string;
  requestId: string;
  /** The JSON body, when the call expected one (see {@link BodyExpectation}). */
  decoded?: DecodedBody;
  attempts: number;
}

/** What a 2xx body must be: JSON, or JSON or empty. */
export type BodyExpectation = "json" | "json-or-empty";

/** Collaborators of the request path; the client wires them. */
export interface RequestPipelineOptions {
  config: ResolvedSeismicConfig;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: SeismicLogger;
  redactor: SecretRedactor;
  tokens: AccessTokenSource;
  limiter: RateLimiter;
  stats: StatsCounter;
  backoff: BackoffPolicy;
  random: () => number;
  /** Which origins have answered: a wrong address fails fast (first-contact.ts). */
  firstContact: FirstContact;
  /** Where each answer's rate budget and server time are kept for `doctor`. */
  facts: ResponseFacts;
  /** Told about every attempt and retry. */
  observer?: SeismicObserver | undefined;
  /** Dry-run mode: reads are reported, the first write is reported instead of sent. */
  dryRun?: DryRunHooks | undefined;
}

/**
 * Sends API calls. Behaviour per call:
 * - waits for the rate limiter, then sends with `Authorization: Bearer …`: the static SCIM token
 *   for `scim` endpoints when configured, else the OAuth delegation token;
 * - on 401 with the OAuth token: forgets it, mints a new one and re-sends once (not counted as a
 *   retry); a second 401 fails with `unauthenticated`;
 * - retries per retry.ts (429 always; 5xx/network for GET/PUT/DELETE; POST/PATCH only when the
 *   request surely was not processed), at most `maxRetries` times; until the API origin has
 *   answered once, network failures get fewer retries (first-contact.ts); a 2xx whose body
 *   should be JSON but is cut short or is not JSON (body-faults.ts) is retried like a reset
 *   connection;
 * - every failure is a {@link SeismicError}; server text in it is truncated and scrubbed.
 */
export class RequestPipeline {
  readonly #o: RequestPipelineOptions;

  constructor(options: RequestPipelineOptions) {
    this.#o = options;
  }

  /** Sends the call and parses the JSON reply with `schema`. Empty bodies are `invalid_response`. */
  async json<S extends z.ZodType>(call: ApiCall, schema: S): Promise<z.output<S>> {
    const reply = await this.send(call, "json");
    return this.#parse(call, reply, schema);
  }

  /** Like {@link json}, but a 204 or empty body yields `undefined`. */
  async jsonOrEmpty<S extends z.ZodType>(
    call: ApiCall,
    schema: S,
  ): Promise<z.output<S> | undefined> {
    const reply = await this.send(call, "json-or-empty");
    if (reply.status === 204 || reply.text.trim() === "") return undefined;
    return this.#parse(call, reply, schema);
  }

  /** Sends the call and ignores the body of the 2xx reply. */
  async noContent(call: ApiCall): Promise<void> {
    await this.send(call);
  }

  /**
   * Sends the call through rate limiting, auth and retries; resolves with the 2xx reply, its body
   * decoded when `decode` says what it must be.
   * @throws SeismicError for any non-2xx outcome, network failure or abort; DryRunStop for a
   *   write in dry-run mode (nothing is sent).
   */
  async send(call: ApiCall, decode?: BodyExpectation): Promise<ApiReply> {
    const dryRun = this.#o.dryRun;
    if (!dryRun) return this.#send(call, decode);
    const url = this.#url(call);
    const endpoint = endpointLabel(call.endpoint);
    const path = `${url.pathname}${url.search}`;
    if (call.endpoint.method !== "GET") {
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      const write = {
        endpoint,
        method: call.endpoint.method,
        path,
        body: body === undefined ? undefined : this.#o.redactor.scrub(body),
      };
      dryRun.write(write);
      throw new DryRunStop(write);
    }
    try {
      const reply = await this.#send(call, decode);
      dryRun.read({ endpoint, path, status: reply.status, summary: summarizeReply(reply.text) });
      return reply;
    } catch (error) {
      if (SeismicError.is(error) && error.status !== undefined) {
        dryRun.read({ endpoint, path, status: error.status, summary: error.code });
      }
      throw error;
    }
  }

  async #send(call: ApiCall, decode?: BodyExpectation): Promise<ApiReply> {
    const { config, clock, logger, limiter, stats, tokens, backoff, random, observer } = this.#o;
    const { endpoint, signal } = call;
    const label = endpointLabel(endpoint);
    const requestId = randomUUID();
    const credential: SeismicCredential =
      endpoint.api === "scim" && config.scimToken !== undefined ? "scim_token" : "oauth_token";
    const url = this.#url(call);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = {
      accept:
        endpoint.api === "scim" ? "application/scim+json, application/json" : "application/json",
      "user-agent": config.userAgent,
      "x-request-id": requestId,
    };
    if (body !== undefined) headers["content-type"] = "application/json";

    let retries = 0;
    let rateLimitedTimes = 0;
    let reauthenticated = false;
    const log = { requestId, endpoint: label, credential };
    try {
      for (let attempt = 1; ; attempt++) {
        await limiter.acquire(signal);
        const token =
          credential === "scim_token" ? (config.scimToken as string) : await tokens.getToken();
        stats.calls++;
        logger.debug({ ...log, attempt }, "seismic request");
        const startedAt = clock.now();
        let reply: HttpReply;
        try {
          reply = await sendOnce(this.#o.dispatcher, {
            method: endpoint.method,
            url,
            headers: { ...headers, authorization: `Bearer ${token}` },
            body,
            signal,
            headersTimeoutMs: config.timeouts.headersMs,
            bodyTimeoutMs: config.timeouts.bodyMs,
          });
        } catch (error) {
          const method = endpoint.method;
          const durationMs = clock.now() - startedAt;
          notify(observer, "apiAttempt", {
            endpoint: label,
            method,
            status: "network",
            durationMs,
          });
          if (signal?.aborted) throw error;
          const failure = classifyNetworkError(error);
          const retryable = failure.transient && (isIdempotent(endpoint.method) || failure.notSent);
          const contact = this.#o.firstContact.verdict(url.origin, failure, config.maxRetries);
          if (retryable && retries < contact.maxRetries) {
            // A silent new host already cost a whole timeout: try once more at once.
            const delayMs =
              contact.neverAnswered && failure.timeout
                ? 0
                : backoffDelay(retries, backoff.baseDelayMs, backoff.maxDelayMs, random);
            retries++;
            stats.retries++;
            notify(observer, "apiRetry", { endpoint: label, reason: failure.code, delayMs });
            logger.warn(
              { ...log, attempt, reason: failure.code, delayMs },
              "retrying seismic request",
            );
            await clock.sleep(delayMs, signal);
            continue;
          }
          throw this.#networkError(
            label,
            credential,
            requestId,
            failure,
            retryable,
            attempt,
            error,
            contact.neverAnswered,
          );
        }
        this.#o.firstContact.answered(url.origin);

        notify(observer, "apiAttempt", {
          endpoint: label,
          method: endpoint.method,
          status: reply.status,
          durationMs: clock.now() - startedAt,
        });
        const quota = readQuota(reply);
        this.#o.facts.record(quota, reply.header("date"), clock.now());
        // A 429 says "0 remaining" but also when to come back; its retry hint pauses the limiter
        // below. Spacing calls over a whole window for it would stall every caller for 60 s.
        if (reply.status !== 429) limiter.observe(quota);
        logger.debug(
          {
            ...log,
            attempt,
            status: reply.status,
            ms: clock.now() - startedAt,
            remaining: quota.remaining,
          },
          "seismic response",
        );
        if (reply.status >= 200 && reply.status < 300) {
          const decoded =
            decode === undefined
              ? undefined
              : decodeJsonBody(
                  reply.text,
                  reply.header("content-type"),
                  decode === "json-or-empty",
                  this.#o.redactor,
                );
          // A cut-off or non-JSON answer to a GET is a transport fault: asking again is safe.
          if (decoded?.ok === false && isIdempotent(endpoint.method)) {
            if (retries < config.maxRetries) {
              const delayMs = backoffDelay(
                retries,
                backoff.baseDelayMs,
                backoff.maxDelayMs,
                random,
              );
              retries++;
              stats.retries++;
              notify(observer, "apiRetry", { endpoint: label, reason: "malformed body", delayMs });
              logger.warn(
                { ...log, attempt, reason: "malformed body", delayMs },
                "retrying seismic request",
              );
              await clock.sleep(delayMs, signal);
              continue;
            }
          }
          return { status: reply.status, text: reply.text, requestId, decoded, attempts: attempt };
        }

        if (reply.status === 401 && credential === "oauth_token" && !reauthenticated) {
          reauthenticated = true;
          tokens.invalidate(token);
          stats.reauthentications++;
          logger.info({ ...log, attempt }, "seismic answered 401; minting a new token once");
          continue;
        }

        const hintMs =
          parseRetryAfter(reply.header("retry-after"), clock.now()) ??
          (reply.status === 429 ? parseTryAgainIn(reply.text) : undefined);
        if (reply.status === 429) {
          stats.rateLimited++;
          const delayMs =
            hintMs ??
            backoffDelay(
              rateLimitedTimes,
              backoff.rateLimitBaseDelayMs,
              backoff.rateLimitMaxDelayMs,
              random,
            );
          rateLimitedTimes++;
          if (retries < config.maxRetries && delayMs <= config.maxRetryAfterMs) {
            retries++;
            stats.retries++;
            notify(observer, "apiRetry", { endpoint: label, reason: "429", delayMs });
            // Pausing the limiter holds back every concurrent caller, not only this one.
            limiter.pauseUntil(clock.now() + delayMs);
            logger.warn(
              { ...log, attempt, reason: "429", delayMs },
              "seismic rate limit hit; waiting",
            );
            continue;
          }
          throw errorForResponse(
            this.#failed(call, credential, reply, requestId, attempt, quota, delayMs),
            this.#o.redactor,
          );
        }

        if (isRetryableStatus(reply.status, endpoint.method) && retries < config.maxRetries) {
          const delayMs =
            hintMs !== undefined && hintMs <= config.maxRetryAfterMs
              ? hintMs
              : backoffDelay(retries, backoff.baseDelayMs, backoff.maxDelayMs, random);
          retries++;
          stats.retries++;
          notify(observer, "apiRetry", {
            endpoint: label,
            reason: `HTTP ${reply.status}`,
            delayMs,
          });
          logger.warn(
            { ...log, attempt, reason: `HTTP ${reply.status}`, delayMs },
            "retrying seismic request",
          );
          await clock.sleep(delayMs, signal);
          continue;
        }
        throw errorForResponse(
          this.#failed(call, credential, reply, requestId, attempt, quota, undefined),
          this.#o.redactor,
        );
      }
    } catch (error) {
      if (signal?.aborted && !SeismicError.is(error)) {
        throw new SeismicError("aborted", `${label} was aborted by the caller.`, {
          endpoint: label,
          credential,
          requestId,
        });
      }
      throw error;
    }
  }

  #parse<S extends z.ZodType>(call: ApiCall, reply: ApiReply, schema: S): z.output<S> {
    const label = endpointLabel(call.endpoint);
    const details = { status: reply.status, requestId: reply.requestId };
    const decoded = reply.decoded;
    if (decoded?.ok === false) throw this.#bodyError(call, reply, decoded.received);
    return parseResponse(schema, decoded?.value, label, details);
  }

  /** The error for a 2xx body that stayed cut short or not JSON: what was received, and why. */
  #bodyError(call: ApiCall, reply: ApiReply, received: string): SeismicError {
    const label = endpointLabel(call.endpoint);
    const origin = this.#o.config.apiUrl.origin;
    const why = isIdempotent(call.endpoint.method)
      ? `also after ${reply.attempts} attempts; try again later, and if it persists check for a proxy between this host and ${origin}`
      : "not asked again because the request may have been processed; read the state back before trying again";
    return new SeismicError(
      "invalid_response",
      `${label} answered ${reply.status} with ${received}, where JSON was expected: ${why}.`,
      {
        status: reply.status,
        endpoint: label,
        requestId: reply.requestId,
        detail: received,
        retryable: true,
      },
    );
  }

  #url(call: ApiCall): URL {
    const url = joinUrl(this.#o.config.apiUrl, expandPath(call.endpoint.path, call.params));
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  #failed(
    call: ApiCall,
    credential: SeismicCredential,
    reply: HttpReply,
    requestId: string,
    attempts: number,
    quota: ServerQuota,
    retryAfterMs: number | undefined,
  ) {
    const now = this.#o.clock.now();
    const rateLimit: RateLimitInfo | undefined =
      quota.remaining === undefined && retryAfterMs === undefined
        ? undefined
        : {
            limit:
              quota.remaining !== undefined && quota.used !== undefined
                ? quota.remaining + quota.used
                : undefined,
            remaining: quota.remaining,
            resetAt: retryAfterMs === undefined ? undefined : new Date(now + retryAfterMs),
          };
    return {
      endpoint: call.endpoint,
      credential,
      status: reply.status,
      text: reply.text,
      requestId,
      attempts,
      tenant: this.#o.config.tenant,
      rateLimit,
      retryAfterMs,
    };
  }

  #networkError(
    label: string,
    credential: SeismicCredential,
    requestId: string,
    failure: ReturnType<typeof classifyNetworkError>,
    retryable: boolean,
    attempts: number,
    cause: unknown,
    neverAnswered: boolean,
  ): SeismicError {
    const origin = this.#o.config.apiUrl.origin;
    const what = failure.timeout ? "timed out" : `failed (${failure.code})`;
    if (neverAnswered) {
      // Nothing has ever answered there: most likely a wrong address, which retrying later
      // will not mend; say which flag to check and do not let hosts retry it.
      return new SeismicError(
        "network",
        `${label} to ${origin} ${what} after ${attempts} attempt${attempts === 1 ? "" : "s"}, and nothing has answered at that address yet: check --seismic-api-url (${origin}) and the network.`,
        { endpoint: label, credential, requestId, retryable: false, cause },
      );
    }
    const why = !failure.transient
      ? ` check --seismic-api-url (${origin}) and the network.`
      : retryable
        ? ` gave up after ${attempts} attempts; try again later.`
        : " not retried because the request may have been processed; read the state back before trying again.";
    return new SeismicError("network", `${label} to ${origin} ${what}:${why}`, {
      endpoint: label,
      credential,
      requestId,
      retryable: failure.transient,
      cause,
    });
  }
}

/** Reads `X-Seismic-Remaining-Calls` and `X-Seismic-Total-Calls` (calls used in the window). */
export function readQuota(reply: Pick<HttpReply, "header">): ServerQuota {
  return {
    remaining: toCount(reply.header("x-seismic-remaining-calls")),
    used: toCount(reply.header("x-seismic-total-calls")),
  };
}

function toCount(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

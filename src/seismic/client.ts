// The Seismic API client: wires configuration, the undici dispatcher, token manager, rate limiter
// and request path, and exposes the SCIM and Reporting operations the connector needs.
import { Agent, type Dispatcher } from "undici";
import { type Clock, systemClock } from "./clock.js";
import { type ResolvedSeismicConfig, resolveConfig, type SeismicConfig } from "./config.js";
import type { DryRunHooks } from "./dry-run.js";
import { FirstContact } from "./first-contact.js";
import { type SeismicLogger, silentLogger } from "./logger.js";
import type {
  GroupMemberRow,
  PlatformRole,
  ScimGroup,
  ScimListResponse,
  ScimMemberUser,
  ScimSchema,
  ScimUser,
  UserRoleAssignment,
} from "./models.js";
import type { SeismicObserver } from "./observer.js";
import { type Origin, type ProbeResult, probeOrigin } from "./probe.js";
import { MAX_PREFETCH_IN_FLIGHT, RateLimiter } from "./rate-limiter.js";
import { SecretRedactor } from "./redact.js";
import { ReportingApi, type ReportingTableNames } from "./reporting.js";
import { RequestPipeline } from "./request.js";
import { ResponseFacts, type ResponseFactsSnapshot } from "./response-facts.js";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./retry.js";
import {
  type ListOptions,
  type PageOptions,
  ScimApi,
  type ScimGroupInput,
  type ScimReplaceOperation,
  type ScimUserInput,
} from "./scim.js";
import { type SeismicStats, StatsCounter } from "./stats.js";
import { TokenManager } from "./token-manager.js";

/** Collaborators the caller may inject. */
export interface SeismicClientOptions {
  /** pino or any compatible logger. Default: silent. Never receives secrets. */
  logger?: SeismicLogger;
  /**
   * undici dispatcher for all HTTP. Default: an `Agent` (one keep-alive pool per origin, with the
   * configured connect timeout) that {@link SeismicClient.close} closes. An injected dispatcher
   * is not closed by the client.
   */
  dispatcher?: Dispatcher;
  /** Time source for the limiter, token expiry and backoff sleeps. Default: the wall clock. */
  clock?: Clock;
  /** Random source in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Backoff delays. Default {@link DEFAULT_BACKOFF}. */
  backoff?: Partial<BackoffPolicy>;
  /** Told about every API attempt, retry and token request (e.g. to count them as metrics). */
  observer?: SeismicObserver;
  /**
   * Dry-run mode: reads are sent and reported, the first write is reported instead of sent and
   * fails with DryRunStop. Token requests are sent (they change nothing in the tenant).
   */
  dryRun?: DryRunHooks;
}

/**
 * Creates a client for one Seismic tenant.
 * @throws SeismicError `invalid_config` when the configuration is invalid.
 */
export function createSeismicClient(
  config: SeismicConfig,
  options: SeismicClientOptions = {},
): SeismicClient {
  return new SeismicClient(resolveConfig(config), options);
}

/**
 * A typed Seismic client. All calls share one token cache, one rate limiter and one dispatcher;
 * every failure is a `SeismicError`. Listing methods return one SCIM page; `iterate*` methods
 * page through everything with `count=100`.
 */
export class SeismicClient {
  // Private so that logging the client object can never serialise the secrets in it.
  readonly #config: ResolvedSeismicConfig;
  readonly #scim: ScimApi;
  readonly #reporting: ReportingApi;
  readonly #stats = new StatsCounter();
  readonly #limiter: RateLimiter;
  readonly #ownedDispatcher: Agent | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #clock: Clock;
  readonly #tokens: TokenManager;
  readonly #facts = new ResponseFacts();

  /** Use {@link createSeismicClient}. */
  constructor(config: ResolvedSeismicConfig, options: SeismicClientOptions = {}) {
    this.#config = config;
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const random = options.random ?? Math.random;
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#ownedDispatcher = options.dispatcher
      ? undefined
      : new Agent({
          connect: { timeout: config.timeouts.connectMs },
          headersTimeout: config.timeouts.headersMs,
          bodyTimeout: config.timeouts.bodyMs,
          keepAliveTimeout: 30_000,
          // As many as the limiter's prefetches in flight, so a window's burst is not queued here.
          connections: MAX_PREFETCH_IN_FLIGHT,
        });
    const dispatcher = options.dispatcher ?? (this.#ownedDispatcher as Agent);
    this.#dispatcher = dispatcher;
    this.#clock = clock;
    const redactor = new SecretRedactor();
    redactor.add(config.clientSecret);
    redactor.add(config.scimToken);
    const rateLimit = config.rateLimit;
    this.#limiter = new RateLimiter({
      clock,
      limit: rateLimit ? rateLimit.limit : Number.POSITIVE_INFINITY,
      windowMs: rateLimit ? rateLimit.windowMs : 60_000,
    });
    const common = {
      config,
      dispatcher,
      clock,
      logger,
      redactor,
      stats: this.#stats,
      backoff,
      random,
      firstContact: new FirstContact(),
      observer: options.observer,
    };
    const tokens = new TokenManager(common);
    this.#tokens = tokens;
    const http = new RequestPipeline({
      ...common,
      tokens,
      limiter: this.#limiter,
      facts: this.#facts,
      dryRun: options.dryRun,
    });
    this.#scim = new ScimApi(http, logger);
    this.#reporting = new ReportingApi(http);
  }

  /** The tenant this client talks to. */
  get tenant(): string {
    return this.#config.tenant;
  }

  /** The API base URL in effect (default `https://api.seismic.com`). */
  get apiUrl(): string {
    return this.#config.apiUrl.href;
  }

  /** Whether SCIM calls use the static SCIM token instead of the OAuth token. */
  get usesScimToken(): boolean {
    return this.#config.scimToken !== undefined;
  }

  /** One page of users (`GET /scim/v2/Users`). Default `startIndex` 1, `count` 100. */
  listUsers(options?: ListOptions): Promise<ScimListResponse<ScimUser>> {
    return this.#scim.listUsers(options);
  }

  /** Every user matching `filter` (or all), paging with `count` (default 100). */
  iterateUsers(
    options?: Omit<ListOptions, "startIndex">,
  ): AsyncGenerator<ScimUser, void, undefined> {
    return this.#scim.iterateUsers(options);
  }

  /** One user by GUID. @throws SeismicError `not_found` when it does not exist. */
  getUser(userId: string, signal?: AbortSignal): Promise<ScimUser> {
    return this.#scim.getUser(userId, signal);
  }

  /**
   * The user whose `userName` equals `userName` (case-insensitively), or `undefined`.
   * Uses `filter=userName eq "…"` with quotes and backslashes escaped.
   */
  findUserByUserName(userName: string, signal?: AbortSignal): Promise<ScimUser | undefined> {
    return this.#scim.findUserByUserName(userName, signal);
  }

  /**
   * Creates a user (`POST /scim/v2/Users`); `schemas` is filled in when omitted. Not retried after
   * an ambiguous failure: on `server_error`/`network`, look the user up before trying again.
   * @throws SeismicError `conflict` or `bad_request` when Seismic refuses it (e.g. duplicate userName).
   */
  createUser(body: ScimUserInput, signal?: AbortSignal): Promise<ScimUser> {
    return this.#scim.createUser(body, signal);
  }

  /**
   * Applies replace operations (`PATCH /scim/v2/Users/{id}`), e.g.
   * `[{op: "replace", path: "active", value: false}]` to deactivate. Resolves with the updated
   * user, or `undefined` when Seismic answers 204.
   * @throws SeismicError `invalid_argument` for an empty list or an operation without a path.
   */
  patchUser(
    userId: string,
    operations: readonly ScimReplaceOperation[],
    signal?: AbortSignal,
  ): Promise<ScimUser | undefined> {
    return this.#scim.patchUser(userId, operations, signal);
  }

  /** Replaces a user wholesale (`PUT /scim/v2/Users/{id}`); omitted fields are cleared. */
  replaceUser(userId: string, body: ScimUserInput, signal?: AbortSignal): Promise<ScimUser> {
    return this.#scim.replaceUser(userId, body, signal);
  }

  /**
   * Permanently deletes a user (`DELETE /scim/v2/Users/{id}`); irreversible. A retried DELETE may
   * end in `not_found` when the first attempt succeeded.
   */
  deleteUser(userId: string, signal?: AbortSignal): Promise<void> {
    return this.#scim.deleteUser(userId, signal);
  }

  /** One page of groups (`GET /scim/v2/Groups`). */
  listGroups(options?: ListOptions): Promise<ScimListResponse<ScimGroup>> {
    return this.#scim.listGroups(options);
  }

  /** Every group matching `filter` (or all). */
  iterateGroups(
    options?: Omit<ListOptions, "startIndex">,
  ): AsyncGenerator<ScimGroup, void, undefined> {
    return this.#scim.iterateGroups(options);
  }

  /** One group by GUID. @throws SeismicError `not_found`. */
  getGroup(groupId: string, signal?: AbortSignal): Promise<ScimGroup> {
    return this.#scim.getGroup(groupId, signal);
  }

  /**
   * Replaces a group wholesale (`PUT /scim/v2/Groups/{id}`), membership included: every attribute
   * left out is cleared. Only the explicit `group-replace` membership mode uses it.
   */
  replaceGroup(groupId: string, body: ScimGroupInput, signal?: AbortSignal): Promise<ScimGroup> {
    return this.#scim.replaceGroup(groupId, body, signal);
  }

  /**
   * One page of a group's members (`GET /scim/v2/Groups/{id}/Users`).
   * @throws SeismicError `not_found` (unknown group, or the route is missing) or `unsupported`.
   */
  listGroupMembers(
    groupId: string,
    options?: PageOptions,
  ): Promise<ScimListResponse<ScimMemberUser>> {
    return this.#scim.listGroupMembers(groupId, options);
  }

  /** Every member of a group. */
  iterateGroupMembers(
    groupId: string,
    options?: Omit<PageOptions, "startIndex">,
  ): AsyncGenerator<ScimMemberUser, void, undefined> {
    return this.#scim.iterateGroupMembers(groupId, options);
  }

  /** One page of the groups a user is in (`GET /scim/v2/Users/{id}/Groups`). */
  listUserGroups(userId: string, options?: PageOptions): Promise<ScimListResponse<ScimGroup>> {
    return this.#scim.listUserGroups(userId, options);
  }

  /** Every group a user is in. */
  iterateUserGroups(
    userId: string,
    options?: Omit<PageOptions, "startIndex">,
  ): AsyncGenerator<ScimGroup, void, undefined> {
    return this.#scim.iterateUserGroups(userId, options);
  }

  /**
   * Adds a user to a group (`POST /scim/v2/Users/{u}/Groups/{g}`). Not retried after an
   * ambiguous failure; confirm with {@link listUserGroups}.
   */
  addUserToGroup(userId: string, groupId: string, signal?: AbortSignal): Promise<void> {
    return this.#scim.addUserToGroup(userId, groupId, signal);
  }

  /** Removes a user from a group (`DELETE /scim/v2/Users/{u}/Groups/{g}`). */
  removeUserFromGroup(userId: string, groupId: string, signal?: AbortSignal): Promise<void> {
    return this.#scim.removeUserFromGroup(userId, groupId, signal);
  }

  /** The tenant's SCIM schemas, including custom user properties (`GET /scim/v2/Schemas`). */
  getSchemas(signal?: AbortSignal): Promise<ScimListResponse<ScimSchema>> {
    return this.#scim.getSchemas(signal);
  }

  /**
   * Platform roles (`GET /reporting/v2/roles`, or `/entitlementRoles` with `names`
   * `entitlementRoles`), up to 24 h stale. Always uses the OAuth token.
   * @throws SeismicError `permission_denied` with `scope: "seismic.reporting"` when not granted.
   */
  listPlatformRoles(
    signal?: AbortSignal,
    names: ReportingTableNames = "roles",
  ): Promise<PlatformRole[]> {
    return this.#reporting.listPlatformRoles(signal, names);
  }

  /**
   * Platform role assignments (`GET /reporting/v2/userRoleAssignments`, or
   * `/userEntitlementRoleAssignments`), up to 24 h stale.
   */
  listUserRoleAssignments(
    signal?: AbortSignal,
    names: ReportingTableNames = "roles",
  ): Promise<UserRoleAssignment[]> {
    return this.#reporting.listUserRoleAssignments(signal, names);
  }

  /**
   * Mints (or reuses) the OAuth delegation token, so a refused credential or an unreachable token
   * service shows before any API call needs it (e.g. with a static SCIM token, when Reporting will).
   */
  async authenticate(): Promise<void> {
    await this.#tokens.getToken();
  }

  /**
   * An unauthenticated `GET` of the API or auth base URL: whether anything answers there, and the
   * server's clock. @throws SeismicError `network` naming the URL flag.
   */
  probe(origin: Origin): Promise<ProbeResult> {
    return probeOrigin(origin, this.#config, this.#dispatcher, this.#clock);
  }

  /** The rate budget and server time of the latest API answer that carried them. */
  responseFacts(): ResponseFactsSnapshot {
    return this.#facts.snapshot();
  }

  /**
   * Every direct group membership (`GET /reporting/v2/groupMembers`), up to 24 h stale, in one
   * unpaginated call. Always uses the OAuth token.
   */
  listGroupMemberRows(signal?: AbortSignal): Promise<GroupMemberRow[]> {
    return this.#reporting.listGroupMemberRows(signal);
  }

  /**
   * Resolves once the calls sent ahead of need (prefetches) have gone out as far as the rate
   * limit allows (see RateLimiter.prefetchLull); at once without a limit.
   */
  prefetchLull(signal?: AbortSignal): Promise<void> {
    return this.#limiter.prefetchLull(signal);
  }

  /** Counters since creation: calls, retries, 429s, token mints, re-authentications, throttling. */
  stats(): SeismicStats {
    return this.#stats.snapshot(this.#limiter);
  }

  /** Closes the dispatcher the client created (an injected one is left open). */
  async close(): Promise<void> {
    await this.#ownedDispatcher?.close();
  }
}

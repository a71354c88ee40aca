/**
 * The connector's handle on the Seismic client, with scope negotiation. Seismic mints one token for
 * all requested scopes and refuses the whole token (`invalid_scope`) when the app lacks any one of
 * them, so an app registered without `seismic.reporting` could not even list users. On that
 * refusal we ask again with fewer scopes (reporting first, then manage) and remember what was
 * granted: users and groups still sync, and the platform-role listing then fails naming the
 * scope (listing-guard.ts). With platform roles left out on purpose, `seismic.reporting` is not
 * requested at all.
 */
import {
  DEFAULT_SCOPES,
  SCOPES,
  type SeismicClient,
  SeismicError,
  type SeismicLogger,
} from "../seismic/index.js";

/** Scope sets to try, most capable first. */
const SCOPE_LADDER: readonly (readonly string[])[] = [
  DEFAULT_SCOPES,
  [SCOPES.userView, SCOPES.userManage],
  [SCOPES.userView, SCOPES.reporting],
  [SCOPES.userView],
];

/** The ladder without `seismic.reporting`, for a connector that leaves platform roles out. */
const LADDER_WITHOUT_REPORTING = SCOPE_LADDER.filter((set) => !set.includes(SCOPES.reporting));

/** Builds a client that requests `scopes`. */
export type ClientFactory = (scopes: readonly string[]) => SeismicClient;

export class ScopedClient {
  readonly #factory: ClientFactory;
  readonly #logger: SeismicLogger;
  readonly #clients: SeismicClient[] = [];
  readonly #ladder: readonly (readonly string[])[];
  #step = 0;
  #current: SeismicClient;

  /** @param options.reporting false: never request `seismic.reporting`. Default true. */
  constructor(
    factory: ClientFactory,
    logger: SeismicLogger,
    options: { reporting?: boolean } = {},
  ) {
    this.#factory = factory;
    this.#logger = logger;
    this.#ladder = options.reporting === false ? LADDER_WITHOUT_REPORTING : SCOPE_LADDER;
    this.#current = factory(this.#ladder[0] as readonly string[]);
    this.#clients.push(this.#current);
  }

  /** The scopes the current client requests. */
  get scopes(): readonly string[] {
    return this.#ladder[this.#step] as readonly string[];
  }

  /** False once Seismic refused a token that included `seismic.reporting`. */
  get reportingGranted(): boolean {
    return this.scopes.includes(SCOPES.reporting);
  }

  /** The client in use now (for stats; calls should go through {@link run}). */
  get current(): SeismicClient {
    return this.#current;
  }

  /**
   * Runs `fn` with the client. On `invalid_scope` it moves to the next smaller scope set and runs
   * `fn` again; when no smaller set is left, the last refusal is thrown.
   */
  async run<T>(fn: (client: SeismicClient) => Promise<T>): Promise<T> {
    for (;;) {
      const client = this.#current;
      try {
        return await fn(client);
      } catch (e) {
        if (!SeismicError.is(e, "invalid_scope")) throw e;
        // Another caller may have stepped down already; then just retry with its client.
        if (client === this.#current && !this.#stepDown()) throw e;
      }
    }
  }

  #stepDown(): boolean {
    if (this.#step + 1 >= this.#ladder.length) return false;
    const refused = this.scopes;
    this.#step++;
    this.#current = this.#factory(this.scopes);
    this.#clients.push(this.#current);
    this.#logger.info(
      { refusedScopes: refused.join(" "), nextScopes: this.scopes.join(" ") },
      "Seismic refused the requested scopes; asking again with fewer",
    );
    return true;
  }

  /**
   * The error for a Reporting call after Seismic refused every token that included
   * `seismic.reporting`: the call would only be a 403, so it is not made.
   */
  reportingRefused(endpoint: string): SeismicError {
    return new SeismicError(
      "invalid_scope",
      `Seismic refused a token with the ${SCOPES.reporting} scope (invalid_scope), which ${endpoint} needs: add the scope to the app registration (a scope change issues a new client id and secret) and enable the new version.`,
      { scope: SCOPES.reporting, endpoint },
    );
  }

  /** See SeismicClient.prefetchLull: the client in use now holds the sync's prefetches. */
  prefetchLull(signal?: AbortSignal): Promise<void> {
    return this.#current.prefetchLull(signal);
  }

  /** Closes every client this handle created. */
  async close(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.close()));
  }
}

/**
 * The connector's handle on the Seismic client, with scope negotiation. Seismic mints one token for
 * all requested scopes and refuses the whole token (`invalid_scope`) when the app lacks any one of
 * them, so an app registered without `seismic.reporting` could not even list users. On that
 * refusal we ask again with fewer scopes (reporting first, then manage), remember what was
 * granted, and let the platform-role syncer report the missing scope once instead of failing.
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

/** Builds a client that requests `scopes`. */
export type ClientFactory = (scopes: readonly string[]) => SeismicClient;

export class ScopedClient {
  readonly #factory: ClientFactory;
  readonly #logger: SeismicLogger;
  readonly #clients: SeismicClient[] = [];
  #step = 0;
  #current: SeismicClient;

  constructor(factory: ClientFactory, logger: SeismicLogger) {
    this.#factory = factory;
    this.#logger = logger;
    this.#current = factory(SCOPE_LADDER[0] as readonly string[]);
    this.#clients.push(this.#current);
  }

  /** The scopes the current client requests. */
  get scopes(): readonly string[] {
    return SCOPE_LADDER[this.#step] as readonly string[];
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
    if (this.#step + 1 >= SCOPE_LADDER.length) return false;
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

  /** Closes every client this handle created. */
  async close(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.close()));
  }
}

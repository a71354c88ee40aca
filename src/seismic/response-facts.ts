// What the latest API answer said about the tenant beyond its body: the rate budget left
// (`X-Seismic-Remaining-Calls` / `X-Seismic-Total-Calls`) and the server's clock (`Date`), kept
// so `doctor` can report them without a call of its own.

/** The facts of the latest answer that carried them. */
export interface ResponseFactsSnapshot {
  /** Calls left in the rolling window, when Seismic said. */
  remainingCalls?: number;
  /** Calls used in the window, when Seismic said. */
  usedCalls?: number;
  /** The server's `Date` header, parsed (ms since the epoch). */
  serverTimeMs?: number;
  /** Our clock when that answer arrived (ms since the epoch). */
  receivedAtMs?: number;
}

/** Mutable holder the request path writes and the client reads. */
export class ResponseFacts {
  #facts: ResponseFactsSnapshot = {};

  /** Records one answer's facts; absent headers keep what an earlier answer said. */
  record(
    quota: { remaining: number | undefined; used: number | undefined },
    date: string | undefined,
    receivedAtMs: number,
  ): void {
    const next: ResponseFactsSnapshot = { ...this.#facts };
    if (quota.remaining !== undefined) next.remainingCalls = quota.remaining;
    if (quota.used !== undefined) next.usedCalls = quota.used;
    const serverTimeMs = date === undefined ? Number.NaN : Date.parse(date);
    if (!Number.isNaN(serverTimeMs)) {
      next.serverTimeMs = serverTimeMs;
      next.receivedAtMs = receivedAtMs;
    }
    this.#facts = next;
  }

  snapshot(): ResponseFactsSnapshot {
    return { ...this.#facts };
  }
}

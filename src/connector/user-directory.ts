/**
 * A per-sync, compact index of every user (id → roles and licence) that the user syncer fills as
 * it pages through /Users, so role and licence grants cost no API calls. When the user listing
 * does not run in this process (a resumed sync, or a host that asks for roles first), the
 * directory waits briefly for it and then scans /Users itself, keeping only the projection.
 *
 * It lives for the whole sync, so it is kept small: users share one interned profile per distinct
 * combination of roles and licence (a tenant has a few hundred at most), and the only string kept
 * per user is the id. At 100,000 users that is ≈ 12 MB (with the index) instead of ≈ 40 MB.
 */
import type { ScimListResponse, ScimUser } from "../seismic/index.js";
import { nextStartIndex } from "../seismic/index.js";
import { isLicence, type Licence, licenceOf } from "./vocabulary.js";

/** What the directory is told about a user. */
export interface DirectoryEntry {
  userType: string | undefined;
  roles: readonly string[];
}

/** What the directory keeps of a user: shared by every user with the same roles and licence. */
interface Profile {
  /** Distinct non-licence `roles[]` values. */
  readonly roles: readonly string[];
  readonly licence: Licence | undefined;
}

/** Fetches one page of /Users for the directory's own scan. */
export type FetchUsers = (
  startIndex: number,
  signal: AbortSignal,
) => Promise<ScimListResponse<ScimUser>>;

export interface DirectoryOptions {
  /** How long to wait for a user listing that has not started. Default 2 s. */
  graceMs?: number;
  /** How long a started listing may go without a new page before we scan ourselves. Default 10 s. */
  stallMs?: number;
  /** The clock the waits run on; tests inject one they advance themselves. Default: real time. */
  timers?: DirectoryTimers;
}

/** The two timer functions the directory's waits use. */
export interface DirectoryTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: DirectoryTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Index {
  /** Lower-cased id → id as SCIM spells it, for the ids that are not lower-case already. */
  mixedCaseIds: Map<string, string>;
  roles: Map<string, string[]>;
  licences: Map<Licence, string[]>;
}

/** The compact projection of a SCIM user. */
export function projectUser(user: ScimUser): DirectoryEntry {
  return {
    userType: user.userType,
    roles: (user.roles ?? []).map((r) => r.value),
  };
}

export class UserDirectory {
  readonly #fetch: FetchUsers;
  readonly #graceMs: number;
  readonly #stallMs: number;
  readonly #timers: DirectoryTimers;
  readonly #entries = new Map<string, Profile>();
  /** Interned profiles by their key, so users with the same roles and licence share one. */
  readonly #profiles = new Map<string, Profile>();
  #index: Index | undefined;
  #complete = false;
  /** The startIndex the user syncer's listing must deliver next for the coverage to stay contiguous. */
  #nextExpected: number | undefined = 1;
  #listingStarted = false;
  #waiters: (() => void)[] = [];
  #scan: { promise: Promise<void>; signal: AbortSignal } | undefined;

  constructor(fetch: FetchUsers, options: DirectoryOptions = {}) {
    this.#fetch = fetch;
    this.#graceMs = options.graceMs ?? 2_000;
    this.#stallMs = options.stallMs ?? 10_000;
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** Whether every user has been seen in this process for this sync. */
  get isComplete(): boolean {
    return this.#complete;
  }

  /**
   * Records a page the user syncer listed at `startIndex`; `next` is the following page's index
   * (undefined after the last). Coverage counts only when pages arrive contiguously from 1.
   */
  recordPage(startIndex: number, users: readonly ScimUser[], next: number | undefined): void {
    this.#listingStarted = true;
    for (const u of users) this.#put(u.id, projectUser(u));
    if (this.#nextExpected !== undefined && startIndex === this.#nextExpected) {
      this.#nextExpected = next;
      if (next === undefined) this.#complete = true;
    }
    this.#notify();
  }

  /** Updates one user after a provisioning change (no effect on completeness). */
  update(userId: string, entry: DirectoryEntry | undefined): void {
    if (entry === undefined) {
      this.#entries.delete(userId);
      this.#index = undefined;
    } else if (this.#entries.has(userId) || this.#complete) {
      this.#put(userId, entry);
    }
  }

  /** Resolves when the directory holds every user, scanning /Users when nobody else will. */
  async complete(signal: AbortSignal): Promise<void> {
    while (!this.#complete) {
      signal.throwIfAborted();
      const scan = this.#scan;
      if (scan) {
        try {
          await scan.promise;
        } catch (e) {
          // Another caller's scan was cancelled with its request: start our own.
          if (signal.aborted || !scan.signal.aborted) throw e;
          if (this.#scan === scan) this.#scan = undefined;
        }
        continue;
      }
      const progressed = await this.#waitForProgress(
        this.#listingStarted ? this.#stallMs : this.#graceMs,
        signal,
      );
      if (!progressed && !this.#complete && !this.#scan) this.#startScan(signal);
    }
  }

  /** The id of a seen user as SCIM spells it, matched case-insensitively (ids are GUIDs). */
  canonicalId(userId: string): string | undefined {
    if (this.#entries.has(userId)) return userId;
    const lower = userId.toLowerCase();
    return this.#entries.has(lower) ? lower : this.#built().mixedCaseIds.get(lower);
  }

  /** Every distinct non-licence `roles[]` value, in first-seen order. */
  roleValues(): string[] {
    return [...this.#built().roles.keys()];
  }

  /** Ids of users whose `roles[]` holds `value` (case-sensitive), sorted so pages are stable. */
  roleHolders(value: string): readonly string[] {
    return this.#built().roles.get(value) ?? [];
  }

  /** Ids of users who hold licence `licence` (see {@link licenceOf}), sorted. */
  licenceHolders(licence: Licence): readonly string[] {
    return this.#built().licences.get(licence) ?? [];
  }

  #put(id: string, entry: DirectoryEntry): void {
    this.#entries.set(id, this.#profile(entry));
    this.#index = undefined;
  }

  #profile(entry: DirectoryEntry): Profile {
    const roles = [...new Set(entry.roles)].filter((value) => !isLicence(value));
    const licence = licenceOf(entry.userType, entry.roles);
    const key = JSON.stringify([licence ?? null, roles]);
    let profile = this.#profiles.get(key);
    if (!profile) {
      profile = { roles, licence };
      this.#profiles.set(key, profile);
    }
    return profile;
  }

  #built(): Index {
    if (this.#index) return this.#index;
    const mixedCaseIds = new Map<string, string>();
    const roles = new Map<string, string[]>();
    const licences = new Map<Licence, string[]>();
    for (const [id, { roles: values, licence }] of this.#entries) {
      const lower = id.toLowerCase();
      if (lower !== id) mixedCaseIds.set(lower, id);
      for (const value of values) {
        const list = roles.get(value);
        if (list) list.push(id);
        else roles.set(value, [id]);
      }
      if (licence) {
        const list = licences.get(licence);
        if (list) list.push(id);
        else licences.set(licence, [id]);
      }
    }
    for (const list of [...roles.values(), ...licences.values()]) list.sort();
    this.#index = { mixedCaseIds, roles, licences };
    return this.#index;
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** True when a page arrived (or the directory completed) within `ms`. */
  #waitForProgress(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const done = (value: boolean) => {
        this.#timers.clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      };
      const onAbort = () => {
        this.#timers.clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = this.#timers.setTimeout(() => done(false), ms);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(() => done(true));
    });
  }

  #startScan(signal: AbortSignal): void {
    const promise = (async () => {
      let startIndex: number | undefined = 1;
      while (startIndex !== undefined) {
        const page = await this.#fetch(startIndex, signal);
        for (const u of page.Resources) this.#put(u.id, projectUser(u));
        startIndex = nextStartIndex(startIndex, page);
      }
      this.#complete = true;
      this.#notify();
    })();
    const scan = { promise, signal };
    this.#scan = scan;
    promise.then(
      () => {
        if (this.#scan === scan) this.#scan = undefined;
      },
      () => {
        if (this.#scan === scan && !signal.aborted) this.#scan = undefined;
      },
    );
  }
}

/**
 * A per-sync, compact index of every user (id → roles and licence), so role, licence and
 * platform-role grants cost no API calls. It is filled by the sync's one walk of /Users
 * (user-pages.ts), which the user listing reads through too: whichever asks first, each page is
 * fetched once.
 *
 * It lives for the whole sync, so it is kept small: users share one interned profile per distinct
 * combination of roles and licence (a tenant has a few hundred at most), and the only string kept
 * per user is the id. At 100,000 users that is ≈ 12 MB (with the index) instead of ≈ 40 MB.
 */
import type { ScimListResponse, ScimUser } from "../seismic/index.js";
import { type FetchUsers, UserPages, type UserPagesOptions } from "./user-pages.js";
import { isLicence, type Licence, licenceOf } from "./vocabulary.js";

export type { FetchUsers } from "./user-pages.js";

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

/** How the directory's walk of /Users behaves (see {@link UserPagesOptions}). */
export type DirectoryOptions = UserPagesOptions;

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
  readonly #pages: UserPages;
  readonly #entries = new Map<string, Profile>();
  /** Interned profiles by their key, so users with the same roles and licence share one. */
  readonly #profiles = new Map<string, Profile>();
  #index: Index | undefined;

  constructor(fetch: FetchUsers, options: DirectoryOptions = {}) {
    this.#pages = new UserPages(
      fetch,
      (users) => {
        for (const u of users) this.#put(u.id, projectUser(u));
      },
      options,
    );
  }

  /** Whether every user has been seen in this process for this sync. */
  get isComplete(): boolean {
    return this.#pages.isComplete;
  }

  /** The /Users page at `startIndex` for the user listing, read through the sync's one walk. */
  listingPage(
    startIndex: number,
    count: number,
    signal: AbortSignal,
  ): Promise<ScimListResponse<ScimUser>> {
    return this.#pages.page(startIndex, count, signal);
  }

  /** Updates one user after a provisioning change (no effect on completeness). */
  update(userId: string, entry: DirectoryEntry | undefined): void {
    if (entry === undefined) {
      this.#entries.delete(userId);
      this.#index = undefined;
    } else if (this.#entries.has(userId) || this.isComplete) {
      this.#put(userId, entry);
    }
  }

  /** Resolves when the directory holds every user, fetching the pages nobody else will. */
  complete(signal: AbortSignal): Promise<void> {
    return this.#pages.complete(signal);
  }

  /** Stops the walk's fetches (the sync's state is dropped). */
  close(): void {
    this.#pages.close();
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
}

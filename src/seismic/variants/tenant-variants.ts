// The per-sync memory of which variant of each unconfirmed Seismic call this tenant answers:
// the first call that settles a question records the choice here, logs it once at
// info, and every later call of the sync goes straight to it. A new sync starts a new memory,
// so a tenant that changes is rediscovered.
import type { SeismicLogger } from "../logger.js";

/** The alternatives of each unconfirmed call, preferred first, with what each costs. */
export const VARIANTS = {
  groupMembers: {
    what: "group members",
    choices: {
      "members-endpoint": "GET /scim/v2/Groups/{id}/Users, paged, 100 members per call",
      "inline-members":
        "the members inlined in GET /scim/v2/Groups/{id}: one call per group, but Seismic documents that list as unpaginated, so a very large group may come back cut short",
    },
  },
  reportingTables: {
    what: "Reporting tables",
    choices: {
      roles: "GET /reporting/v2/roles and /reporting/v2/userRoleAssignments, one call each",
      entitlementRoles:
        "GET /reporting/v2/entitlementRoles and /reporting/v2/userEntitlementRoleAssignments, one call each",
    },
  },
  listingParameters: {
    what: "listing parameters",
    choices: {
      projection:
        "attributes=id on member pages and excludedAttributes=members on group pages: only what the sync needs",
      "no-projection":
        "the same calls without attributes/excludedAttributes: full users on every member page, several times the bytes",
    },
  },
} as const;

export type VariantKey = keyof typeof VARIANTS;
export type VariantChoice<K extends VariantKey> = keyof (typeof VARIANTS)[K]["choices"] & string;

/** One settled question, as `doctor` and the logs report it. */
export interface SettledVariant {
  key: VariantKey;
  what: string;
  choice: string;
  /** What the tenant answered that settled it. */
  reason: string;
  /** What the choice costs. */
  cost: string;
}

export class TenantVariants {
  readonly #logger: SeismicLogger;
  readonly #settled = new Map<VariantKey, SettledVariant>();
  #inlineGroups = 0;

  constructor(logger: SeismicLogger) {
    this.#logger = logger;
  }

  /** The choice made for `key` in this sync, if any. */
  choice<K extends VariantKey>(key: K): VariantChoice<K> | undefined {
    return this.#settled.get(key)?.choice as VariantChoice<K> | undefined;
  }

  /** Records (and logs, the first time) the choice for `key`; a later different one wins. */
  choose<K extends VariantKey>(key: K, choice: VariantChoice<K>, reason: string): void {
    if (this.#settled.get(key)?.choice === choice) return;
    const variant = VARIANTS[key];
    const cost = (variant.choices as Record<string, string>)[choice] ?? "";
    const settled = { key, what: variant.what, choice, reason, cost };
    this.#settled.set(key, settled);
    this.#logger.info(
      { variant: key, chosen: choice, reason, cost },
      `Seismic ${variant.what}: using ${choice} (${reason})`,
    );
  }

  /** Counts one group whose members were read inline (for the one warning at the end). */
  countInlineGroup(): void {
    this.#inlineGroups++;
  }

  /** Groups whose members came inline in this sync. */
  get inlineGroups(): number {
    return this.#inlineGroups;
  }

  /** Every question settled so far, in the order of {@link VARIANTS}. */
  settled(): SettledVariant[] {
    return (Object.keys(VARIANTS) as VariantKey[])
      .map((k) => this.#settled.get(k))
      .filter((v): v is SettledVariant => v !== undefined);
  }

  /**
   * The one warning of a sync that read members inline: how many groups may be cut short.
   * Called once when the sync ends; silent when no group was read inline.
   */
  warnInlineMembers(): void {
    if (this.#inlineGroups === 0) return;
    this.#logger.warn(
      { groups: this.#inlineGroups, variant: "groupMembers", chosen: "inline-members" },
      `${this.#inlineGroups} groups' members were read from the members inlined in GET /scim/v2/Groups/{id}, which Seismic documents as unpaginated: a very large group may have been cut short. Compare a large group's member count with the Seismic console.`,
    );
  }
}

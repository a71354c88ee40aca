// Dialects: the ways a real Seismic tenant may differ from our reading of the docs where a call is
// unconfirmed (see the simulator README). Each dialect is a preset of the individual switches in
// options.ts, so a test can ask for "a tenant whose Reporting tables have the entitlement names"
// by name, and `legacy` combines every difference at once.

/** The switches a dialect sets; each can also be set on its own. */
export interface DialectSwitches {
  /** How GET /Groups/{id}/Users answers: served, 404 (route missing) or 405. */
  groupMembersEndpoint?: "serve" | "missing" | "not-allowed";
  /** false: POST and DELETE /Users/{u}/Groups/{g} do not exist (404). */
  memberWriteRoutes?: boolean;
  /**
   * Which pair of Reporting table names the tenant serves; the other pair answers 404. `none`
   * (a broken setup, in no dialect): all four answer 404.
   */
  reportingTables?: "roles" | "entitlementRoles" | "none";
  /** false: users are rendered without `active`. */
  userActive?: boolean;
  /** true: `attributes` and `excludedAttributes` are refused with a 400 naming the parameter. */
  strictParameters?: boolean;
}

export const DIALECTS = {
  /** What our notes default to: every route we call exists, as we call it. */
  default: {},
  /** No members path: a group's members come inline with GET /Groups/{id}. */
  "inline-members": { groupMembersEndpoint: "missing" },
  /** The members path exists for other methods only: 405 on GET. */
  "members-405": { groupMembersEndpoint: "not-allowed" },
  /** No per-user membership writes (POST/DELETE /Users/{u}/Groups/{g}). */
  "no-member-routes": { memberWriteRoutes: false },
  /** Reporting serves /entitlementRoles and /userEntitlementRoleAssignments. */
  "entitlement-roles": { reportingTables: "entitlementRoles" },
  /** SCIM users carry no `active`. */
  "no-active": { userActive: false },
  /** A strict server: RFC 7644 projection parameters are refused. */
  "strict-parameters": { strictParameters: true },
  /** Every difference at once. */
  legacy: {
    groupMembersEndpoint: "missing",
    memberWriteRoutes: false,
    reportingTables: "entitlementRoles",
    userActive: false,
    strictParameters: true,
  },
} as const satisfies Record<string, DialectSwitches>;

export type DialectName = keyof typeof DIALECTS;

export const DIALECT_NAMES = Object.keys(DIALECTS) as DialectName[];

/** The switches of `name`; throws naming the known dialects when there is no such one. */
export function dialectSwitches(name: string): DialectSwitches {
  if (!Object.hasOwn(DIALECTS, name)) {
    throw new Error(`unknown dialect '${name}' (known: ${DIALECT_NAMES.join(", ")})`);
  }
  return DIALECTS[name as DialectName];
}

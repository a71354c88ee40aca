// The Reporting-tables variant: Seismic documents platform roles under two pairs of names,
// `/roles` + `/userRoleAssignments` and `/entitlementRoles` + `/userEntitlementRoleAssignments`
// (the field names come from the latter; both are parsed by them, and fields we do not know are
// kept). The first pair is tried, then the second; when neither answers, the error names both.
import type { SeismicClient } from "../client.js";
import { SeismicError } from "../errors.js";
import type { PlatformRole, UserRoleAssignment } from "../models.js";
import type { ReportingTableNames } from "../reporting.js";
import { isMissingRoute, statusOf } from "./missing-route.js";
import type { TenantVariants } from "./tenant-variants.js";

const ORDER: readonly ReportingTableNames[] = ["roles", "entitlementRoles"];

const PATHS: Record<ReportingTableNames, { roles: string; assignments: string }> = {
  roles: { roles: "/reporting/v2/roles", assignments: "/reporting/v2/userRoleAssignments" },
  entitlementRoles: {
    roles: "/reporting/v2/entitlementRoles",
    assignments: "/reporting/v2/userEntitlementRoleAssignments",
  },
};

/** Both Reporting tables of platform roles, and the names they were read under. */
export interface PlatformRoleTables {
  roles: PlatformRole[];
  assignments: UserRoleAssignment[];
  names: ReportingTableNames;
}

/** The names to try: this sync's choice first, then the others in preference order. */
function candidates(variants: TenantVariants): ReportingTableNames[] {
  const chosen = variants.choice("reportingTables");
  return chosen ? [chosen, ...ORDER.filter((n) => n !== chosen)] : [...ORDER];
}

/** Runs `read` under each name in turn until one is not a missing route; names every path tried. */
async function firstAnswering<T>(
  names: readonly ReportingTableNames[],
  table: "roles" | "assignments",
  read: (names: ReportingTableNames) => Promise<T>,
): Promise<{ value: T; names: ReportingTableNames; missed: SeismicError[] }> {
  const missed: SeismicError[] = [];
  for (const n of names) {
    try {
      return { value: await read(n), names: n, missed };
    } catch (e) {
      if (!isMissingRoute(e)) throw e;
      missed.push(e);
    }
  }
  const tried = names.map((n) => `GET ${PATHS[n][table]}`).join(" nor ");
  const last = missed[missed.length - 1];
  throw new SeismicError(
    "not_found",
    `Seismic has neither ${tried} (answered ${missed.map(statusOf).join(", ")}): this tenant's Reporting API does not offer platform roles under either documented name.`,
    {
      ...(last?.status === undefined ? {} : { status: last.status }),
      endpoint: `GET ${PATHS[names[0] ?? "roles"][table]}`,
    },
  );
}

/**
 * Reads the platform roles and their assignments from whichever pair of tables this tenant
 * serves, recording the choice for the rest of the sync.
 * @throws SeismicError `not_found` naming both paths when neither pair answers; any other
 *   failure (a 403 for the scope) as it came.
 */
export async function readPlatformRoleTables(
  client: SeismicClient,
  variants: TenantVariants,
  signal?: AbortSignal,
): Promise<PlatformRoleTables> {
  const roles = await firstAnswering(candidates(variants), "roles", (n) =>
    client.listPlatformRoles(signal, n),
  );
  const reason =
    roles.missed.length === 0
      ? "the tenant answered it"
      : `${roles.missed.map((m) => `${m.endpoint} answered ${statusOf(m)}`).join("; ")}`;
  variants.choose("reportingTables", roles.names, reason);
  // The assignments are read under the same names first: the two tables come as a pair.
  const order = [roles.names, ...ORDER.filter((n) => n !== roles.names)];
  const assignments = await firstAnswering(order, "assignments", (n) =>
    client.listUserRoleAssignments(signal, n),
  );
  return { roles: roles.value, assignments: assignments.value, names: roles.names };
}

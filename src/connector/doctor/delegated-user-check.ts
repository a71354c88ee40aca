/**
 * The delegated user: the app acts as this user, and Seismic's scopes never override its own
 * permissions, so it must exist, be active (unlocked) and be a System Administrator. Existence and
 * status come from SCIM; administrator rights from the Reporting role assignments (a role named
 * "System Administrator"), which lag by up to 24 h.
 */
import { type PlatformRoleTables, SeismicError } from "../../seismic/index.js";
import type { ScopedClient } from "../scoped-client.js";
import { type CheckResult, detailOf, fixFor, ok, problem } from "./check.js";

export const USER_TITLE = "Delegated user exists and is active";
export const ADMIN_TITLE = "Delegated user is a System Administrator";
const ADMIN_ROLE = /^system administrator$/i;

/** Exists and active, from `GET /scim/v2/Users/{id}`. */
export async function checkDelegatedUser(
  seismic: ScopedClient,
  userId: string,
  signal: AbortSignal,
): Promise<CheckResult> {
  const id = "delegated-user";
  try {
    const user = await seismic.run((c) => c.getUser(userId, signal));
    if (user.active === false) {
      return problem(
        "fail",
        id,
        USER_TITLE,
        `${user.userName} (${userId}) is locked`,
        "unlock the delegated user in Seismic, or choose another one under Manage Apps",
      );
    }
    if (user.active === undefined) {
      return problem(
        "warn",
        id,
        USER_TITLE,
        `${user.userName} (${userId}) exists; the tenant does not report whether it is active`,
        "check in Seismic (Settings → Users & Groups) that the delegated user is not locked",
      );
    }
    return ok(id, USER_TITLE, `${user.userName} (${userId}) exists and is active`);
  } catch (e) {
    if (SeismicError.is(e, "not_found")) {
      return problem(
        "fail",
        id,
        USER_TITLE,
        `no user ${userId} in this tenant`,
        "set --seismic-delegation-user-id to the GUID of the app's delegated user",
      );
    }
    return problem("fail", id, USER_TITLE, detailOf(e), fixFor(e));
  }
}

/** The delegated user as the token service saw it, when it refused the credentials. */
export function delegatedUserRefused(refusal: SeismicError): CheckResult {
  return problem("fail", "delegated-user", USER_TITLE, detailOf(refusal), fixFor(refusal));
}

/** System Administrator, from the Reporting role assignments (or why that could not be told). */
export function checkDelegatedAdmin(
  tables: PlatformRoleTables | undefined,
  userId: string,
  why: string,
): CheckResult {
  const id = "delegated-admin";
  if (!tables) {
    return problem(
      "warn",
      id,
      ADMIN_TITLE,
      `not checked: ${why}`,
      "make sure the delegated user is a System Administrator (Full Control): Seismic refuses its writes otherwise",
    );
  }
  const admin = tables.roles.find((r) => ADMIN_ROLE.test(r.roleName) && !r.isDeleted);
  const holds =
    admin !== undefined &&
    tables.assignments.some(
      (a) =>
        a.roleId.toLowerCase() === admin.id.toLowerCase() &&
        a.assigneeId.toLowerCase() === userId.toLowerCase(),
    );
  if (holds)
    return ok(id, ADMIN_TITLE, "holds the System Administrator role (Reporting, up to 24 h old)");
  return problem(
    "fail",
    id,
    ADMIN_TITLE,
    admin
      ? "does not hold the System Administrator role: Seismic will refuse its writes (provisioning)"
      : "the tenant's Reporting data has no System Administrator role to check against",
    "make the delegated user a System Administrator (Full Control) in Seismic, or pick one that is under Manage Apps (Reporting shows the change within 24 h)",
  );
}

/**
 * Which variant of each unconfirmed Seismic call this tenant answers, found the same way a sync
 * finds it (seismic/variants) on the first group and a page of users, and what each choice costs.
 */
import {
  groupMembersPage,
  type PlatformRoleTables,
  readPlatformRoleTables,
  type TenantVariants,
  VARIANTS,
  type VariantKey,
  withProjection,
} from "../../seismic/index.js";
import type { ScopedClient } from "../scoped-client.js";
import { type CheckResult, detailOf, fixFor, ok, problem, skip } from "./check.js";

const title = (key: VariantKey) => `Variant: ${VARIANTS[key].what}`;

/** The row of a settled variant (ok; inline members are a warning, as a sync says). */
function settledRow(variants: TenantVariants, key: VariantKey): CheckResult | undefined {
  const settled = variants.settled().find((v) => v.key === key);
  if (!settled) return undefined;
  const detail = `${settled.choice}: ${settled.cost} (${settled.reason})`;
  if (key === "groupMembers" && settled.choice === "inline-members") {
    return problem(
      "warn",
      `variant:${key}`,
      title(key),
      detail,
      "compare a large group's member count in a sync with the Seismic console",
    );
  }
  return ok(`variant:${key}`, title(key), detail);
}

/** Listing parameters and group members, probed on the first group. */
export async function checkSyncVariants(
  seismic: ScopedClient,
  variants: TenantVariants,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  const rows: CheckResult[] = [];
  try {
    const groups = await seismic.run((c) =>
      withProjection(variants, (omitProjection) =>
        c.listGroups({ count: 1, excludedAttributes: "members", omitProjection, signal }),
      ),
    );
    rows.push(settledRow(variants, "listingParameters") as CheckResult);
    const first = groups.Resources[0];
    if (!first) {
      rows.push(
        skip("variant:groupMembers", title("groupMembers"), "the tenant has no group to try"),
      );
    } else {
      await seismic.run((c) =>
        groupMembersPage(c, variants, first.id, { startIndex: 1, count: 1, signal }),
      );
      rows.push(settledRow(variants, "groupMembers") as CheckResult);
    }
  } catch (e) {
    rows.push(
      problem("fail", "variant:groups", "Groups and members can be listed", detailOf(e), fixFor(e)),
    );
  }
  return rows;
}

/** Reporting tables: read both (the admin check uses them), or say why not. */
export async function checkReportingVariant(
  seismic: ScopedClient,
  variants: TenantVariants,
  skipReporting: boolean,
  signal: AbortSignal,
): Promise<{ row: CheckResult; tables: PlatformRoleTables | undefined; why: string }> {
  const key = "reportingTables";
  if (skipReporting) {
    const why = "platform roles are left out (--seismic-skip-platform-roles)";
    return { row: skip(`variant:${key}`, title(key), why), tables: undefined, why };
  }
  if (!seismic.reportingGranted) {
    const why = "the seismic.reporting scope is not granted";
    return {
      row: problem(
        "fail",
        `variant:${key}`,
        title(key),
        `not checked: ${why}`,
        fixFor(seismic.reportingRefused("GET /reporting/v2/roles")),
      ),
      tables: undefined,
      why,
    };
  }
  try {
    const tables = await seismic.run((c) => readPlatformRoleTables(c, variants, signal));
    const row = settledRow(variants, key) as CheckResult;
    return {
      row: {
        ...row,
        detail: `${row.detail}; ${tables.roles.length} roles, ${tables.assignments.length} assignments`,
      },
      tables,
      why: "",
    };
  } catch (e) {
    const fix = `${fixFor(e)}; or leave platform roles out with --seismic-skip-platform-roles`;
    return {
      row: problem("fail", `variant:${key}`, title(key), detailOf(e), fix),
      tables: undefined,
      why: "Reporting could not be read",
    };
  }
}

/** Whether users carry `active`, from one page of users. */
export async function checkUserActive(
  seismic: ScopedClient,
  signal: AbortSignal,
): Promise<CheckResult> {
  const id = "variant:userActive";
  const t = "Variant: users' active flag";
  try {
    const page = await seismic.run((c) => c.listUsers({ count: 20, signal }));
    const users = page.Resources;
    const without = users.filter((u) => u.active === undefined).length;
    if (users.length === 0) return skip(id, t, "the tenant has no users");
    if (without === 0)
      return ok(id, t, `all ${users.length} users sampled carry active: status is synced`);
    return problem(
      "warn",
      id,
      t,
      `${without} of ${users.length} users sampled carry no active: their status syncs as unspecified`,
      "nothing to change in the connector; reviewers will see those users' status as unknown",
    );
  } catch (e) {
    return problem("fail", id, t, detailOf(e), fixFor(e));
  }
}

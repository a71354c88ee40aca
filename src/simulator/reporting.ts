// Reporting API routes: platform roles (GET /reporting/v2/roles and
// /reporting/v2/userRoleAssignments, or their older names /entitlementRoles and
// /userEntitlementRoleAssignments: the `reportingTables` switch picks the pair served, the other
// pair answers 404) and group membership (GET /reporting/v2/groupMembers). Unpaginated JSON
// arrays (CSV when Accept asks for text/csv), served from the snapshot rather than the live tenant.

import { gatewayReply, JSON_TYPE, type Reply } from "./http.js";
import type { ApiContext, Route } from "./router.js";

const ROLE_FIELDS = [
  "id",
  "roleName",
  "roleDescription",
  "isPredefined",
  "isDeleted",
  "createdAt",
  "modifiedAt",
];
const ASSIGNMENT_FIELDS = ["id", "roleId", "roleName", "assigneeId", "assignedAt", "modifiedAt"];
const GROUP_MEMBER_FIELDS = ["groupId", "groupName", "userId"];

function wantsCsv(ctx: ApiContext): boolean {
  const accept = ctx.headers.accept;
  const a = Array.isArray(accept) ? accept.join(",") : (accept ?? "");
  return a.includes("text/csv") && !a.includes("application/json");
}

function csvCell(v: unknown): string {
  const s = String(v ?? "");
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csv(rows: readonly object[], fields: readonly string[]): string {
  const lines = [fields.join(",")];
  for (const r of rows) {
    lines.push(fields.map((f) => csvCell((r as Record<string, unknown>)[f])).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

function table(
  ctx: ApiContext,
  pick: (s: ApiContext["reporting"]) => [readonly object[], string],
  fields: readonly string[],
  names?: "roles" | "entitlementRoles",
): Reply {
  // The role tables answer under one pair of names only; groupMembers has no other name.
  if (names !== undefined && ctx.options.reportingTables !== names) {
    return gatewayReply(404, `No endpoint ${ctx.method} ${ctx.path}`);
  }
  ctx.reporting.maybeRefresh(ctx.now);
  const [rows, json] = pick(ctx.reporting);
  if (wantsCsv(ctx))
    return { status: 200, raw: csv(rows, fields), contentType: "text/csv; charset=utf-8" };
  return { status: 200, raw: json, contentType: JSON_TYPE };
}

function tables(names: "roles" | "entitlementRoles", roles: string, assignments: string): Route[] {
  return [
    {
      method: "GET",
      template: `/reporting/v2/${roles}`,
      access: "reporting",
      handler: (ctx) => table(ctx, (s) => [s.roles, s.rolesJson], ROLE_FIELDS, names),
    },
    {
      method: "GET",
      template: `/reporting/v2/${assignments}`,
      access: "reporting",
      handler: (ctx) =>
        table(ctx, (s) => [s.assignments, s.assignmentsJson], ASSIGNMENT_FIELDS, names),
    },
  ];
}

export const reportingRoutes: Route[] = [
  ...tables("roles", "roles", "userRoleAssignments"),
  ...tables("entitlementRoles", "entitlementRoles", "userEntitlementRoleAssignments"),
  {
    method: "GET",
    template: "/reporting/v2/groupMembers",
    access: "reporting",
    handler: (ctx) =>
      table(
        ctx,
        (s) => {
          const { rows, json } = s.groupMembers();
          return [rows, json];
        },
        GROUP_MEMBER_FIELDS,
      ),
  },
];

/**
 * One-shot provisioning, the Baton CLI way: `--grant-entitlement/--grant-principal(-type)`,
 * `--revoke-grant`, `--create-account-*` and `--delete-resource(-type)`. Entitlements, principals
 * and grants are looked up in `--file` (the last sync), and the operation goes through the same
 * gRPC services a platform would call. Each one changes the tenant, so it needs `--provisioning`
 * (`-p`), as in the Go SDK's CLI; without it the run is refused before the connector is built. With
 * `--dry-run` the connector reads as usual and stops at its first write; the plan (reads, then
 * that write, or "nothing to do" when none is needed) is printed, nothing changes, and no
 * `--provisioning` is needed. Both rules live in run-or-plan.ts, shared with actions.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { ResourceDeactivatedSchema } from "../../gen/baton_seismic/v1/annotations_pb.js";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
} from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { ResourceDoesNotExistSchema } from "../../gen/c1/connector/v2/annotation_resource_pb.js";
import { has, pick } from "../annotations.js";
import { C1zError } from "../c1z/c1z-error.js";
import { C1zReader } from "../c1z/reader.js";
import type { DryRunRecorder } from "../dry-run.js";
import { UsageError } from "../errors.js";
import { resourceKey } from "../ids.js";
import { connectorClients } from "../sync/clients.js";
import { connectConnector } from "./connector-transport.js";
import type { ConnectorDefinition } from "./definition.js";
import { jsonObjectFlag } from "./json-flag.js";
import { suggestion } from "./resolve-config.js";
import type { RunContext } from "./run-context.js";
import { runOrPlan } from "./run-or-plan.js";

/** Whether a one-shot provisioning operation (grant, revoke, create, delete) is named. */
export function namesProvisioningOperation(c: Record<string, unknown>): boolean {
  return Boolean(
    c.grantEntitlement ||
      c.grantPrincipal ||
      c.revokeGrant ||
      c.createAccountLogin ||
      c.createAccountEmail ||
      c.createAccountProfile ||
      c.deleteResource,
  );
}

/** Whether any one-shot provisioning flag was given (`--dry-run` alone counts: it is refused). */
export function wantsProvisioning(c: Record<string, unknown>): boolean {
  return Boolean(c.dryRun) || namesProvisioningOperation(c);
}

type Operation = "grant" | "revoke" | "create-account" | "delete";

/** The flag that names each operation, for the refusal without `--provisioning`. */
const OPERATION_FLAGS: Record<Operation, string> = {
  grant: "--grant-entitlement",
  revoke: "--revoke-grant",
  "create-account": "--create-account-*",
  delete: "--delete-resource",
};

function operation(c: Record<string, unknown>): Operation {
  const ops = [
    c.grantEntitlement || c.grantPrincipal ? "grant" : undefined,
    c.revokeGrant ? "revoke" : undefined,
    c.createAccountLogin || c.createAccountEmail || c.createAccountProfile
      ? "create-account"
      : undefined,
    c.deleteResource ? "delete" : undefined,
  ].filter((o): o is Operation => o !== undefined);
  if (ops.length > 1) {
    throw new UsageError(`choose one provisioning operation at a time (got: ${ops.join(", ")})`);
  }
  if (ops.length === 0) {
    throw new UsageError(
      "--dry-run plans a one-shot change: add --grant-entitlement with --grant-principal and --grant-principal-type, --revoke-grant, --create-account-login or --create-account-email, or --delete-resource with --delete-resource-type",
    );
  }
  return ops[0] ?? "grant";
}

function need(c: Record<string, unknown>, key: string, flag: string, why: string): string {
  const v = c[key];
  if (typeof v !== "string" || v === "") throw new UsageError(`${flag} is required ${why}`);
  return v;
}

/** Runs one provisioning operation (or plans it, with `--dry-run`); returns the exit code. */
export async function provisionCommand(def: ConnectorDefinition, ctx: RunContext): Promise<number> {
  const op = operation(ctx.config);
  return runOrPlan(ctx, OPERATION_FLAGS[op], ({ out }, dryRun) =>
    runOperation(def, ctx, op, out, dryRun),
  );
}

/** The flags that carry account fields the creation schema names, instead of the profile. */
const FIELD_FLAGS: Record<string, { key: string; flag: string }> = {
  login: { key: "createAccountLogin", flag: "--create-account-login" },
  email: { key: "createAccountEmail", flag: "--create-account-email" },
};

/**
 * Checks an account request against the connector's account creation schema before anything is
 * sent: an unknown profile key is refused naming the keys there are (a misspelt `given_name`
 * would otherwise create the account without a name), and a required field that is missing is
 * named by its flag (`--create-account-email`) rather than as `invalid AccountInfo.emails`.
 * A connector without a schema accepts any keys.
 */
export function checkAccountFields(
  profile: JsonObject,
  c: Record<string, unknown>,
  fieldMap:
    | Record<string, { required: boolean; displayName: string; description: string }>
    | undefined,
): void {
  if (!fieldMap || Object.keys(fieldMap).length === 0) return;
  const keys = Object.keys(fieldMap);
  for (const key of Object.keys(profile)) {
    if (keys.includes(key)) continue;
    throw new UsageError(
      `--create-account-profile: unknown key "${key}"${suggestion(key, keys)}; the keys are ${keys.join(", ")}`,
    );
  }
  for (const [key, field] of Object.entries(fieldMap)) {
    if (!field.required) continue;
    const viaFlag = FIELD_FLAGS[key];
    const value = (viaFlag ? c[viaFlag.key] : undefined) ?? profile[key];
    if (typeof value === "string" ? value.trim() !== "" : value !== undefined && value !== null)
      continue;
    throw new UsageError(
      viaFlag
        ? `${viaFlag.flag} is required to create an account (${about(field)}); the "${key}" key of --create-account-profile works too`
        : `--create-account-profile needs the key "${key}" (${about(field)})`,
    );
  }
}

/** A schema field in words: its description without the final stop, else its name. */
function about(field: { displayName: string; description: string }): string {
  return (field.description || field.displayName).replace(/\.$/, "");
}

/** Runs one operation, handing each result line to `out`; `dryRun` goes to the connector. */
async function runOperation(
  def: ConnectorDefinition,
  ctx: RunContext,
  op: Operation,
  out: (line: string) => void,
  dryRun?: DryRunRecorder,
): Promise<number> {
  const c = ctx.config;
  const { transport, instance } = await connectConnector(def, ctx, {
    provisioning: true,
    ...(dryRun ? { dryRun } : {}),
  });
  const clients = connectorClients(transport);
  try {
    if (op === "create-account") {
      const profile = jsonObjectFlag(
        "create-account-profile",
        c.createAccountProfile,
        '{"given_name":"Ada"}',
      );
      const metadata = await clients.connector.getMetadata({});
      checkAccountFields(profile, c, metadata.metadata?.accountCreationSchema?.fieldMap);
      const login =
        (c.createAccountLogin as string | undefined) ?? (profile.login as string | undefined);
      const email =
        (c.createAccountEmail as string | undefined) ?? (profile.email as string | undefined);
      if (login && profile.login === undefined) profile.login = login;
      if (email && profile.email === undefined) profile.email = email;
      const res = await clients.accounts.createAccount({
        resourceTypeId: (c.createAccountResourceType as string | undefined) ?? "",
        accountInfo: {
          login: login ?? "",
          emails: email ? [{ address: email, isPrimary: true }] : [],
          profile,
        },
        credentialOptions: { options: { case: "noPassword", value: {} } },
      });
      const r = res.result;
      const id = r.value?.resource?.id;
      out(
        `${r.case === "alreadyExists" ? "account already exists" : r.case === "success" ? "account created" : `account: ${r.case ?? "unknown result"}`}${id ? `: ${resourceKey(id)}` : ""}`,
      );
      return 0;
    }
    if (op === "delete") {
      const type = need(
        c,
        "deleteResourceType",
        "--delete-resource-type",
        "with --delete-resource",
      );
      const id = need(c, "deleteResource", "--delete-resource", "");
      const res = await clients.resourceManager.deleteResource({
        resourceId: { resourceType: type, resource: id },
      });
      const deactivated = pick(res.annotations, ResourceDeactivatedSchema);
      out(
        has(res.annotations, ResourceDoesNotExistSchema)
          ? `${type}:${id} does not exist (nothing to delete)`
          : deactivated?.alreadyInactive
            ? `${type}:${id} was already deactivated`
            : deactivated
              ? `deactivated ${type}:${id} (locked, not deleted)`
              : `deleted ${type}:${id}`,
      );
      return 0;
    }
    const reader = await C1zReader.open(String(c.file)).catch((e: unknown) => {
      if (!(e instanceof C1zError)) throw e;
      const hint = e.code === "not-found" ? "; run a sync into it first" : "";
      throw new C1zError(e.code, `--file (BATON_FILE): ${e.message}${hint}`, { cause: e });
    });
    try {
      if (op === "grant") {
        const eid = need(c, "grantEntitlement", "--grant-entitlement", "with --grant-principal");
        const pid = need(c, "grantPrincipal", "--grant-principal", "with --grant-entitlement");
        const ptype = need(
          c,
          "grantPrincipalType",
          "--grant-principal-type",
          "with --grant-principal",
        );
        const entitlement = reader.entitlement(eid);
        if (!entitlement)
          throw new UsageError(
            `--grant-entitlement: "${eid}" is not in ${String(c.file)}; run a sync first or check the id`,
          );
        const principal = reader.resource({ resourceType: ptype, resource: pid });
        if (!principal)
          throw new UsageError(
            `--grant-principal: ${ptype}:${pid} is not in ${String(c.file)}; run a sync first or check the id`,
          );
        const res = await clients.grantManager.grant({ entitlement, principal });
        out(
          has(res.annotations, GrantAlreadyExistsSchema)
            ? `already granted: ${eid} to ${ptype}:${pid}`
            : `granted ${eid} to ${ptype}:${pid}`,
        );
        return 0;
      }
      const gid = need(c, "revokeGrant", "--revoke-grant", "");
      const grant = reader.grant(gid);
      if (!grant)
        throw new UsageError(
          `--revoke-grant: "${gid}" is not in ${String(c.file)}; run a sync first or check the id`,
        );
      const res = await clients.grantManager.revoke({ grant });
      out(
        has(res.annotations, GrantAlreadyRevokedSchema)
          ? `already revoked: ${gid}`
          : `revoked ${gid}`,
      );
      return 0;
    } finally {
      reader.close();
    }
  } finally {
    await instance?.close();
  }
}

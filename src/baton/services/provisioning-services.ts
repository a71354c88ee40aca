/**
 * The provisioning side of `c1.connector.v2`: grants, revokes, account creation, deletion and
 * credentials. When provisioning is off every call answers FailedPrecondition, as the Go server's
 * no-op provisioner does; when on, calls are routed by resource type and a type that cannot do
 * the operation answers Unimplemented.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type GrantManagerService,
  GrantManagerServiceGrantResponseSchema,
  GrantManagerServiceRevokeResponseSchema,
} from "../../gen/c1/connector/v2/grant_pb.js";
import type { ResourceId } from "../../gen/c1/connector/v2/resource_pb.js";
import {
  type AccountManagerService,
  CreateAccountResponseSchema,
  type CredentialManagerService,
  DeleteResourceResponseSchema,
  DeleteResourceV2ResponseSchema,
  type ResourceDeleterService,
  type ResourceManagerService,
} from "../../gen/c1/connector/v2/resource_pb.js";
import type { AccountManager, ProvisionResult, ResourceSyncer } from "../connector.js";
import { provisioningDisabled } from "../errors.js";
import { enforce, present, resourceIdRules } from "../request-rules.js";
import { withRetries } from "../retry.js";
import type { ServiceContext } from "./context.js";

/** Waits of the Go builder's grant/revoke retries on Unavailable/DeadlineExceeded. */
const PROVISION_RETRY_WAITS_MS = [15_000, 30_000, 45_000];

function requireProvisioning(sc: ServiceContext): void {
  if (!sc.options.provisioning) throw provisioningDisabled();
}

function unimplemented(what: string, typeId: string): ConnectError {
  return new ConnectError(`resource type "${typeId}" does not support ${what}`, Code.Unimplemented);
}

export function grantManagerService(sc: ServiceContext): ServiceImpl<typeof GrantManagerService> {
  return {
    async grant(req, ctx) {
      requireProvisioning(sc);
      const T = "GrantManagerServiceGrantRequest";
      enforce(
        present(`${T}.entitlement`, req.entitlement),
        present(`${T}.principal`, req.principal),
        present(`${T}.entitlement.resource`, req.entitlement?.resource),
        ...resourceIdRules(`${T}.entitlement.resource.id`, req.entitlement?.resource?.id),
        ...resourceIdRules(`${T}.principal.id`, req.principal?.id),
      );
      const entitlement = req.entitlement!;
      const typeId = entitlement.resource!.id!.resourceType;
      const s = sc.syncer(typeId, `${T}.entitlement.resource.id.resource_type`);
      if (!s.grant) throw unimplemented("Grant", typeId);
      const grant = s.grant.bind(s);
      const result = await withRetries(
        () => grant(req.principal!, entitlement, sc.call(ctx)),
        PROVISION_RETRY_WAITS_MS,
        sc.options.sleep,
        ctx.signal,
      );
      return create(GrantManagerServiceGrantResponseSchema, {
        grants: result.grants ?? [],
        annotations: result.annotations ?? [],
      });
    },
    async revoke(req, ctx) {
      requireProvisioning(sc);
      const T = "GrantManagerServiceRevokeRequest";
      // Revoke acts on the grant's entitlement and principal, never on grant.id (hosts may not know it).
      enforce(
        present(`${T}.grant`, req.grant),
        present(`${T}.grant.entitlement`, req.grant?.entitlement),
        present(`${T}.grant.principal`, req.grant?.principal),
        present(`${T}.grant.entitlement.resource`, req.grant?.entitlement?.resource),
        ...resourceIdRules(
          `${T}.grant.entitlement.resource.id`,
          req.grant?.entitlement?.resource?.id,
        ),
        ...resourceIdRules(`${T}.grant.principal.id`, req.grant?.principal?.id),
      );
      const grantMsg = req.grant!;
      const typeId = grantMsg.entitlement!.resource!.id!.resourceType;
      const s = sc.syncer(typeId, `${T}.grant.entitlement.resource.id.resource_type`);
      if (!s.revoke) throw unimplemented("Revoke", typeId);
      const revoke = s.revoke.bind(s);
      const result = await withRetries(
        () => revoke(grantMsg, sc.call(ctx)),
        PROVISION_RETRY_WAITS_MS,
        sc.options.sleep,
        ctx.signal,
      );
      return create(GrantManagerServiceRevokeResponseSchema, {
        annotations: result.annotations ?? [],
      });
    },
  };
}

/** The Go builder's account-manager routing: explicit type, else the only one, else `user`. */
function accountManagerFor(sc: ServiceContext, typeId: string): AccountManager {
  const withAccounts = sc.connector.syncers.filter((s) => s.accounts);
  let chosen: ResourceSyncer | undefined;
  if (typeId) chosen = withAccounts.find((s) => s.resourceType.id === typeId);
  else if (withAccounts.length === 1) chosen = withAccounts[0];
  else chosen = withAccounts.find((s) => s.resourceType.id === "user");
  if (!chosen?.accounts) {
    throw new ConnectError(
      typeId
        ? `resource type "${typeId}" does not support CreateAccount`
        : "the connector does not create accounts",
      Code.Unimplemented,
    );
  }
  return chosen.accounts;
}

export function accountManagerService(
  sc: ServiceContext,
): ServiceImpl<typeof AccountManagerService> {
  return {
    async createAccount(req, ctx) {
      requireProvisioning(sc);
      enforce(present("CreateAccountRequest.account_info", req.accountInfo));
      const manager = accountManagerFor(sc, req.resourceTypeId);
      const r = await manager.create(req.accountInfo!, req.credentialOptions, sc.call(ctx));
      const result: MessageInitShape<typeof CreateAccountResponseSchema>["result"] =
        r.kind === "success"
          ? { case: "success", value: { resource: r.resource, isCreateAccountResult: true } }
          : r.kind === "already_exists"
            ? {
                case: "alreadyExists",
                value: { resource: r.resource, isCreateAccountResult: true },
              }
            : r.kind === "action_required"
              ? {
                  case: "actionRequired",
                  value: { resource: r.resource, message: r.message, isCreateAccountResult: true },
                }
              : {
                  case: "inProgress",
                  value: { resource: r.resource, isCreateAccountResult: true },
                };
      return create(CreateAccountResponseSchema, { result, annotations: r.annotations ?? [] });
    },
  };
}

async function deleteResource(
  sc: ServiceContext,
  T: string,
  id: ResourceId | undefined,
  parent: ResourceId | undefined,
  ctx: HandlerContext,
): Promise<ProvisionResult> {
  requireProvisioning(sc);
  enforce(...resourceIdRules(`${T}.resource_id`, id));
  const s = sc.syncer(id!.resourceType, `${T}.resource_id.resource_type`);
  if (!s.delete) throw unimplemented("DeleteResource", id!.resourceType);
  return s.delete(id!, parent?.resourceType ? parent : undefined, sc.call(ctx));
}

export function resourceManagerService(
  sc: ServiceContext,
): ServiceImpl<typeof ResourceManagerService> {
  return {
    async createResource() {
      requireProvisioning(sc);
      throw new ConnectError("this connector does not create resources", Code.Unimplemented);
    },
    async deleteResource(req, ctx) {
      const r = await deleteResource(
        sc,
        "DeleteResourceRequest",
        req.resourceId,
        req.parentResourceId,
        ctx,
      );
      return create(DeleteResourceResponseSchema, { annotations: r.annotations ?? [] });
    },
  };
}

export function resourceDeleterService(
  sc: ServiceContext,
): ServiceImpl<typeof ResourceDeleterService> {
  return {
    async deleteResourceV2(req, ctx) {
      const r = await deleteResource(
        sc,
        "DeleteResourceV2Request",
        req.resourceId,
        req.parentResourceId,
        ctx,
      );
      return create(DeleteResourceV2ResponseSchema, { annotations: r.annotations ?? [] });
    },
  };
}

export function credentialManagerService(
  sc: ServiceContext,
): ServiceImpl<typeof CredentialManagerService> {
  return {
    async rotateCredential() {
      requireProvisioning(sc);
      throw new ConnectError("this connector does not rotate credentials", Code.Unimplemented);
    },
    async issueCredential() {
      requireProvisioning(sc);
      throw new ConnectError("this connector does not issue credentials", Code.Unimplemented);
    },
  };
}

/**
 * The provisioning side of `c1.connector.v2`: grants, revokes, account creation, deletion and
 * credentials. When provisioning is off every call answers FailedPrecondition, as the Go server's
 * no-op provisioner does; when on, calls are routed by resource type and a type that cannot do
 * the operation answers Unimplemented (or, for grants on a read-only type, its declared reason).
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
import { grantCancelled, invalidArgument, provisioningDisabled } from "../errors.js";
import { credentialRules, enforce, must, optional, resourceIdOf } from "../request-rules.js";
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

/** A type that cannot provision grants: its declared reason (grant_cancelled), or Unimplemented. */
function cannotProvision(s: ResourceSyncer, what: string, typeId: string): ConnectError {
  return s.provisioningRefusal
    ? grantCancelled(s.provisioningRefusal)
    : unimplemented(what, typeId);
}

export function grantManagerService(sc: ServiceContext): ServiceImpl<typeof GrantManagerService> {
  return {
    async grant(req, ctx) {
      requireProvisioning(sc);
      const T = "GrantManagerServiceGrantRequest";
      const entitlement = must(`${T}.entitlement`, req.entitlement);
      const principal = must(`${T}.principal`, req.principal);
      const { resourceType: typeId } = resourceIdOf(
        `${T}.entitlement.resource.id`,
        must(`${T}.entitlement.resource`, entitlement.resource).id,
      );
      resourceIdOf(`${T}.principal.id`, principal.id);
      const s = sc.syncer(typeId, `${T}.entitlement.resource.id.resource_type`);
      if (!s.grant) throw cannotProvision(s, "Grant", typeId);
      const grant = s.grant.bind(s);
      const result = await withRetries(
        () => grant(principal, entitlement, sc.call(ctx)),
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
      const grantMsg = must(`${T}.grant`, req.grant);
      const entitlement = must(`${T}.grant.entitlement`, grantMsg.entitlement);
      const { resourceType: typeId } = resourceIdOf(
        `${T}.grant.entitlement.resource.id`,
        must(`${T}.grant.entitlement.resource`, entitlement.resource).id,
      );
      resourceIdOf(`${T}.grant.principal.id`, must(`${T}.grant.principal`, grantMsg.principal).id);
      const s = sc.syncer(typeId, `${T}.grant.entitlement.resource.id.resource_type`);
      if (!s.revoke) throw cannotProvision(s, "Revoke", typeId);
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

/**
 * The account manager a CreateAccount goes to: the one of the requested type, else the only one
 * the connector has (the Go builder keeps a single account manager). With several and no type,
 * the caller must say which.
 */
function accountManagerFor(sc: ServiceContext, typeId: string): AccountManager {
  const withAccounts = sc.connector.syncers.filter((s) => s.accounts);
  const chosen = typeId
    ? withAccounts.find((s) => s.resourceType.id === typeId)
    : withAccounts.length === 1
      ? withAccounts[0]
      : undefined;
  if (chosen?.accounts) return chosen.accounts;
  if (!typeId && withAccounts.length > 1) {
    throw invalidArgument(
      "CreateAccountRequest.resource_type_id",
      `is required: resource types ${withAccounts.map((s) => `"${s.resourceType.id}"`).join(", ")} create accounts`,
    );
  }
  throw new ConnectError(
    typeId
      ? `resource type "${typeId}" does not support CreateAccount`
      : "the connector does not create accounts",
    Code.Unimplemented,
  );
}

export function accountManagerService(
  sc: ServiceContext,
): ServiceImpl<typeof AccountManagerService> {
  return {
    async createAccount(req, ctx) {
      requireProvisioning(sc);
      const accountInfo = must("CreateAccountRequest.account_info", req.accountInfo);
      enforce(
        optional("CreateAccountRequest.resource_type_id", req.resourceTypeId),
        ...credentialRules(req),
      );
      const manager = accountManagerFor(sc, req.resourceTypeId);
      const r = await manager.create(accountInfo, req.credentialOptions, sc.call(ctx));
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
  const rid = resourceIdOf(`${T}.resource_id`, id);
  const s = sc.syncer(rid.resourceType, `${T}.resource_id.resource_type`);
  if (!s.delete) throw unimplemented("DeleteResource", rid.resourceType);
  return s.delete(rid, parent?.resourceType ? parent : undefined, sc.call(ctx));
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

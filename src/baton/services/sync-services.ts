/**
 * The sync side of `c1.connector.v2`: resource types, resources, targeted get, entitlements
 * (including static templates) and grants, with the Go builder's observable behaviour.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { EntitlementExclusionGroupSchema } from "../../gen/c1/connector/v2/annotation_exclusion_group_pb.js";
import {
  type Entitlement,
  type EntitlementsService,
  EntitlementsServiceListEntitlementsResponseSchema,
  EntitlementsServiceListStaticEntitlementsResponseSchema,
} from "../../gen/c1/connector/v2/entitlement_pb.js";
import {
  type GrantsService,
  GrantsServiceListGrantsResponseSchema,
} from "../../gen/c1/connector/v2/grant_pb.js";
import {
  type ResourceGetterService,
  ResourceGetterServiceGetResourceResponseSchema,
  type ResourcesService,
  ResourcesServiceListResourcesResponseSchema,
  type ResourceTypesService,
  ResourceTypesServiceListResourceTypesResponseSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { count } from "../annotations.js";
import { invalidArgument } from "../errors.js";
import {
  enforce,
  listRules,
  must,
  optional,
  required,
  resourceIdOf,
  resourceIdRules,
} from "../request-rules.js";
import { checkNextToken, type ServiceContext } from "./context.js";

function checkExclusionGroups(method: string, list: readonly Entitlement[]): void {
  for (const e of list) {
    if (count(e.annotations, EntitlementExclusionGroupSchema) > 1) {
      throw invalidArgument(
        `${method}: entitlement ${e.id}`,
        "carries more than one EntitlementExclusionGroup",
      );
    }
  }
}

export function resourceTypesService(sc: ServiceContext): ServiceImpl<typeof ResourceTypesService> {
  return {
    async listResourceTypes(req) {
      enforce(...listRules("ResourceTypesServiceListResourceTypesRequest", req));
      const list = sc.connector.syncers.map((s) => s.resourceType);
      if (list.length === 0) {
        throw new ConnectError(
          "the connector registers no resource types",
          Code.FailedPrecondition,
        );
      }
      // Like the Go builder: every type in one page, paging ignored.
      return create(ResourceTypesServiceListResourceTypesResponseSchema, { list });
    },
  };
}

export function resourcesService(sc: ServiceContext): ServiceImpl<typeof ResourcesService> {
  return {
    async listResources(req, ctx) {
      const T = "ResourcesServiceListResourcesRequest";
      enforce(required(`${T}.resource_type_id`, req.resourceTypeId), ...listRules(T, req));
      const parent = req.parentResourceId?.resourceType ? req.parentResourceId : undefined;
      if (parent) enforce(...resourceIdRules(`${T}.parent_resource_id`, parent));
      const s = sc.syncer(req.resourceTypeId, `${T}.resource_type_id`);
      const page = await s.list(
        parent,
        { token: req.pageToken, size: req.pageSize },
        sc.call(ctx, req.activeSyncId),
      );
      return create(ResourcesServiceListResourcesResponseSchema, {
        list: page.items,
        nextPageToken: checkNextToken("ListResources", req.pageToken, page.nextToken),
        annotations: page.annotations ?? [],
      });
    },
  };
}

export function resourceGetterService(
  sc: ServiceContext,
): ServiceImpl<typeof ResourceGetterService> {
  return {
    async getResource(req, ctx) {
      const T = "ResourceGetterServiceGetResourceRequest";
      const id = resourceIdOf(`${T}.resource_id`, req.resourceId);
      enforce(optional(`${T}.active_sync_id`, req.activeSyncId));
      const s = sc.syncer(id.resourceType, `${T}.resource_id.resource_type`);
      if (!s.get) {
        throw new ConnectError(
          `resource type "${id.resourceType}" does not support GetResource`,
          Code.Unimplemented,
        );
      }
      const parent = req.parentResourceId?.resourceType ? req.parentResourceId : undefined;
      const resource = await s.get(id, parent, sc.call(ctx, req.activeSyncId));
      if (!resource) {
        throw new ConnectError(`${id.resourceType} "${id.resource}" not found`, Code.NotFound);
      }
      return create(ResourceGetterServiceGetResourceResponseSchema, { resource });
    },
  };
}

export function entitlementsService(sc: ServiceContext): ServiceImpl<typeof EntitlementsService> {
  return {
    async listEntitlements(req, ctx) {
      const T = "EntitlementsServiceListEntitlementsRequest";
      const resource = must(`${T}.resource`, req.resource);
      const { resourceType } = resourceIdOf(`${T}.resource.id`, resource.id);
      enforce(...listRules(T, req));
      const s = sc.syncer(resourceType, `${T}.resource.id.resource_type`);
      const page = await s.entitlements(
        resource,
        { token: req.pageToken, size: req.pageSize },
        sc.call(ctx, req.activeSyncId),
      );
      checkExclusionGroups("ListEntitlements", page.items);
      return create(EntitlementsServiceListEntitlementsResponseSchema, {
        list: page.items,
        nextPageToken: checkNextToken("ListEntitlements", req.pageToken, page.nextToken),
        annotations: page.annotations ?? [],
      });
    },
    async listStaticEntitlements(req, ctx) {
      const T = "EntitlementsServiceListStaticEntitlementsRequest";
      enforce(required(`${T}.resource_type_id`, req.resourceTypeId), ...listRules(T, req));
      const s = sc.syncer(req.resourceTypeId, `${T}.resource_type_id`);
      // A type without templates still answers OK with an empty list: anything else fails a Go sync.
      if (!s.staticEntitlements)
        return create(EntitlementsServiceListStaticEntitlementsResponseSchema, {});
      const page = await s.staticEntitlements(
        { token: req.pageToken, size: req.pageSize },
        sc.call(ctx, req.activeSyncId),
      );
      checkExclusionGroups("ListStaticEntitlements", page.items);
      return create(EntitlementsServiceListStaticEntitlementsResponseSchema, {
        list: page.items,
        nextPageToken: checkNextToken("ListStaticEntitlements", req.pageToken, page.nextToken),
        annotations: page.annotations ?? [],
      });
    },
  };
}

export function grantsService(sc: ServiceContext): ServiceImpl<typeof GrantsService> {
  return {
    async listGrants(req, ctx) {
      const T = "GrantsServiceListGrantsRequest";
      const resource = must(`${T}.resource`, req.resource);
      const { resourceType } = resourceIdOf(`${T}.resource.id`, resource.id);
      enforce(...listRules(T, req));
      const s = sc.syncer(resourceType, `${T}.resource.id.resource_type`);
      const page = await s.grants(
        resource,
        { token: req.pageToken, size: req.pageSize },
        sc.call(ctx, req.activeSyncId),
      );
      return create(GrantsServiceListGrantsResponseSchema, {
        list: page.items,
        nextPageToken: checkNextToken("ListGrants", req.pageToken, page.nextToken),
        annotations: page.annotations ?? [],
      });
    },
  };
}

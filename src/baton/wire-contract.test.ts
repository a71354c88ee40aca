/**
 * Pins the generated protobuf descriptors to the wire facts Go hosts rely on: method
 * paths, request/response types, streaming kinds, key field numbers and the full names that
 * appear in Any type URLs. A failure here means proto/ drifted from what Go hosts expect.
 */
import type { DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { file_c1_config_v1_config } from "../gen/c1/config/v1/config_pb.js";
import { ActionService } from "../gen/c1/connector/v2/action_pb.js";
import {
  BatonIDSchema,
  ExternalResourceMatchAllSchema,
  ExternalResourceMatchIDSchema,
  ExternalResourceMatchSchema,
} from "../gen/c1/connector/v2/annotation_baton_id_pb.js";
import { EntitlementImmutableSchema } from "../gen/c1/connector/v2/annotation_entitlement_pb.js";
import { EntitlementExclusionGroupSchema } from "../gen/c1/connector/v2/annotation_exclusion_group_pb.js";
import { ExternalLinkSchema } from "../gen/c1/connector/v2/annotation_external_link_pb.js";
import { ExternalTicketSettingsSchema } from "../gen/c1/connector/v2/annotation_external_ticket_pb.js";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
  GrantExpandableSchema,
  GrantImmutableSchema,
  GrantMetadataSchema,
  InsertResourceGrantsSchema,
} from "../gen/c1/connector/v2/annotation_grant_pb.js";
import { GrantReplacedSchema } from "../gen/c1/connector/v2/annotation_grant_replaced_pb.js";
import { AliasesSchema } from "../gen/c1/connector/v2/annotation_id_alias_pb.js";
import {
  RateLimitDescriptionSchema,
  RateLimitWaitReportSchema,
} from "../gen/c1/connector/v2/annotation_ratelimit_pb.js";
import { RawIdSchema } from "../gen/c1/connector/v2/annotation_raw_id_pb.js";
import { RequestIdSchema } from "../gen/c1/connector/v2/annotation_request_pb.js";
import { ResourceDeletedSchema } from "../gen/c1/connector/v2/annotation_resource_deleted_pb.js";
import { ResourceDoesNotExistSchema } from "../gen/c1/connector/v2/annotation_resource_pb.js";
import {
  ChildResourceTypeSchema,
  SkipEntitlementsAndGrantsSchema,
  SkipEntitlementsSchema,
  SkipGrantsSchema,
} from "../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import {
  CapabilityPermissionsSchema,
  DeprecatedSchema,
  OptInRequiredSchema,
  SkipSyncAnomalyDetectionSchema,
} from "../gen/c1/connector/v2/annotation_resource_type_pb.js";
import {
  AppTraitSchema,
  GroupTraitSchema,
  LicenseProfileTraitSchema,
  RoleTraitSchema,
  SecretTraitSchema,
  UserTraitSchema,
} from "../gen/c1/connector/v2/annotation_trait_pb.js";
import { TypeScopedEntitlementsSchema } from "../gen/c1/connector/v2/annotation_type_scoped_entitlements_pb.js";
import {
  EnqueuePageTokensSchema,
  TypeScopedGrantsSchema,
} from "../gen/c1/connector/v2/annotation_type_scoped_grants_pb.js";
import { V1IdentifierSchema } from "../gen/c1/connector/v2/annotation_v1_identifier_pb.js";
import { AssetService } from "../gen/c1/connector/v2/asset_pb.js";
import { SchemaService } from "../gen/c1/connector/v2/config_pb.js";
import {
  Capability,
  ConnectorCapabilitiesSchema,
  ConnectorService,
  ConnectorServiceValidateResponseSchema,
} from "../gen/c1/connector/v2/connector_pb.js";
import { EntitlementSchema, EntitlementsService } from "../gen/c1/connector/v2/entitlement_pb.js";
import { EventService } from "../gen/c1/connector/v2/event_feed_pb.js";
import {
  GrantManagerService,
  GrantSchema,
  GrantsService,
} from "../gen/c1/connector/v2/grant_pb.js";
import {
  AccountManagerService,
  CreateAccountResponseSchema,
  CredentialManagerService,
  CredentialOptionsSchema,
  ResourceDeleterService,
  ResourceGetterService,
  ResourceIdSchema,
  ResourceManagerService,
  ResourceSchema,
  ResourcesService,
  ResourceTypeSchema,
  ResourceTypesService,
} from "../gen/c1/connector/v2/resource_pb.js";
import { TicketsService } from "../gen/c1/connector/v2/ticket_pb.js";
import {
  RateLimiterService,
  RateLimitDescriptionSchema as RateLimitV1DescriptionSchema,
} from "../gen/c1/ratelimit/v1/ratelimit_pb.js";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";

const services: DescService[] = [
  ConnectorService,
  ResourceTypesService,
  ResourcesService,
  ResourceGetterService,
  EntitlementsService,
  GrantsService,
  GrantManagerService,
  AccountManagerService,
  ResourceManagerService,
  ResourceDeleterService,
  CredentialManagerService,
  EventService,
  TicketsService,
  ActionService,
  AssetService,
  SchemaService,
  RateLimiterService,
];

type Kind = "unary" | "server_streaming";
// [path, request, response, kind] of every service; request/response names are in the
// method's own package.
const table: [string, string, string, Kind][] = [
  [
    "/c1.connector.v2.ConnectorService/GetMetadata",
    "ConnectorServiceGetMetadataRequest",
    "ConnectorServiceGetMetadataResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ConnectorService/Validate",
    "ConnectorServiceValidateRequest",
    "ConnectorServiceValidateResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ConnectorService/Cleanup",
    "ConnectorServiceCleanupRequest",
    "ConnectorServiceCleanupResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ResourceTypesService/ListResourceTypes",
    "ResourceTypesServiceListResourceTypesRequest",
    "ResourceTypesServiceListResourceTypesResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ResourcesService/ListResources",
    "ResourcesServiceListResourcesRequest",
    "ResourcesServiceListResourcesResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ResourceGetterService/GetResource",
    "ResourceGetterServiceGetResourceRequest",
    "ResourceGetterServiceGetResourceResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.EntitlementsService/ListEntitlements",
    "EntitlementsServiceListEntitlementsRequest",
    "EntitlementsServiceListEntitlementsResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.EntitlementsService/ListStaticEntitlements",
    "EntitlementsServiceListStaticEntitlementsRequest",
    "EntitlementsServiceListStaticEntitlementsResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.GrantsService/ListGrants",
    "GrantsServiceListGrantsRequest",
    "GrantsServiceListGrantsResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.GrantManagerService/Grant",
    "GrantManagerServiceGrantRequest",
    "GrantManagerServiceGrantResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.GrantManagerService/Revoke",
    "GrantManagerServiceRevokeRequest",
    "GrantManagerServiceRevokeResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.AccountManagerService/CreateAccount",
    "CreateAccountRequest",
    "CreateAccountResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ResourceManagerService/CreateResource",
    "CreateResourceRequest",
    "CreateResourceResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ResourceManagerService/DeleteResource",
    "DeleteResourceRequest",
    "DeleteResourceResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ResourceDeleterService/DeleteResourceV2",
    "DeleteResourceV2Request",
    "DeleteResourceV2Response",
    "unary",
  ],
  [
    "/c1.connector.v2.CredentialManagerService/RotateCredential",
    "RotateCredentialRequest",
    "RotateCredentialResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.CredentialManagerService/IssueCredential",
    "IssueCredentialRequest",
    "IssueCredentialResponse",
    "unary",
  ],
  ["/c1.connector.v2.EventService/ListEvents", "ListEventsRequest", "ListEventsResponse", "unary"],
  [
    "/c1.connector.v2.EventService/ListEventFeeds",
    "ListEventFeedsRequest",
    "ListEventFeedsResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.TicketsService/CreateTicket",
    "TicketsServiceCreateTicketRequest",
    "TicketsServiceCreateTicketResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.TicketsService/GetTicket",
    "TicketsServiceGetTicketRequest",
    "TicketsServiceGetTicketResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.TicketsService/ListTicketSchemas",
    "TicketsServiceListTicketSchemasRequest",
    "TicketsServiceListTicketSchemasResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.TicketsService/GetTicketSchema",
    "TicketsServiceGetTicketSchemaRequest",
    "TicketsServiceGetTicketSchemaResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.TicketsService/BulkCreateTickets",
    "TicketsServiceBulkCreateTicketsRequest",
    "TicketsServiceBulkCreateTicketsResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.TicketsService/BulkGetTickets",
    "TicketsServiceBulkGetTicketsRequest",
    "TicketsServiceBulkGetTicketsResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ActionService/InvokeAction",
    "InvokeActionRequest",
    "InvokeActionResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ActionService/GetActionStatus",
    "GetActionStatusRequest",
    "GetActionStatusResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ActionService/GetActionSchema",
    "GetActionSchemaRequest",
    "GetActionSchemaResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.ActionService/ListActionSchemas",
    "ListActionSchemasRequest",
    "ListActionSchemasResponse",
    "unary",
  ],
  [
    "/c1.connector.v2.AssetService/GetAsset",
    "AssetServiceGetAssetRequest",
    "AssetServiceGetAssetResponse",
    "server_streaming",
  ],
  [
    "/c1.connector.v2.SchemaService/GetSchema",
    "SchemaServiceGetSchemaRequest",
    "SchemaServiceGetSchemaResponse",
    "unary",
  ],
  ["/c1.ratelimit.v1.RateLimiterService/Do", "DoRequest", "DoResponse", "unary"],
  ["/c1.ratelimit.v1.RateLimiterService/Report", "ReportRequest", "ReportResponse", "unary"],
];

const methods = new Map<string, DescMethod>(
  services.flatMap((s) => s.methods.map((m) => [`/${s.typeName}/${m.name}`, m] as const)),
);

/** Proto field name → field number, for comparing whole messages against the spec. */
function numbers(schema: DescMessage): Record<string, number> {
  return Object.fromEntries(schema.fields.map((f) => [f.name, f.number]));
}

describe("service table", () => {
  it.each(table)("%s", (path, req, res, kind) => {
    const m = methods.get(path);
    expect(m, path).toBeDefined();
    const pkg = path.slice(1, path.lastIndexOf(".", path.indexOf("/", 1)));
    expect(m?.input.typeName).toBe(`${pkg}.${req}`);
    expect(m?.output.typeName).toBe(`${pkg}.${res}`);
    expect(m?.methodKind).toBe(kind);
  });

  it("has no methods beyond the table", () => {
    expect([...methods.keys()].sort()).toEqual(table.map(([p]) => p).sort());
  });
});

describe("field numbers", () => {
  it("ResourceId and Resource", () => {
    expect(numbers(ResourceIdSchema)).toEqual({ resource_type: 1, resource: 2, baton_resource: 3 });
    expect(numbers(ResourceSchema)).toEqual({
      id: 1,
      parent_resource_id: 2,
      display_name: 3,
      annotations: 4,
      description: 5,
      baton_resource: 6,
      external_id: 7,
      creation_source: 8,
      profile: 9,
      icon: 10,
      status: 11,
      created_at: 12,
    });
    expect(numbers(ResourceTypeSchema)).toEqual({
      id: 1,
      display_name: 2,
      traits: 3,
      annotations: 4,
      description: 5,
      sourced_externally: 6,
    });
  });

  it("Entitlement and Grant", () => {
    expect(numbers(EntitlementSchema)).toEqual({
      resource: 1,
      id: 2,
      display_name: 3,
      description: 4,
      grantable_to: 5,
      annotations: 6,
      purpose: 7,
      slug: 8,
    });
    expect(numbers(GrantSchema)).toEqual({
      entitlement: 1,
      principal: 2,
      id: 3,
      annotations: 4,
      sources: 5,
    });
  });

  it("UserTrait", () => {
    expect(numbers(UserTraitSchema)).toEqual({
      emails: 1,
      status: 2,
      profile: 3,
      icon: 4,
      account_type: 5,
      login: 6,
      login_aliases: 7,
      created_at: 8,
      last_login: 9,
      mfa_status: 10,
      sso_status: 11,
      structured_name: 12,
      employee_ids: 13,
    });
  });

  it("GrantExpandable", () => {
    expect(numbers(GrantExpandableSchema)).toEqual({
      entitlement_ids: 1,
      shallow: 2,
      resource_type_ids: 3,
    });
  });

  it("RateLimitDescription in both packages", () => {
    expect(numbers(RateLimitDescriptionSchema)).toEqual({
      status: 1,
      limit: 2,
      remaining: 3,
      reset_at: 4,
    });
    expect(numbers(RateLimitV1DescriptionSchema)).toEqual({
      status: 1,
      limit: 2,
      remaining: 3,
      reset_at: 4,
      count: 5,
    });
    const v1Status = RateLimitV1DescriptionSchema.nestedEnums[0];
    expect(v1Status?.values.map((v) => [v.name, v.number])).toEqual([
      ["STATUS_UNSPECIFIED", 0],
      ["STATUS_OK", 1],
      ["STATUS_OVERLIMIT", 2],
      ["STATUS_ERROR", 3],
      ["STATUS_EMPTY", 4],
    ]);
  });

  it("CreateAccountResponse result oneof is 100..103 and field 1 is unused", () => {
    const result = CreateAccountResponseSchema.oneofs.find((o) => o.name === "result");
    expect(result?.fields.map((f) => [f.name, f.number])).toEqual([
      ["success", 100],
      ["action_required", 101],
      ["already_exists", 102],
      ["in_progress", 103],
    ]);
    expect(CreateAccountResponseSchema.fields.some((f) => f.number === 1)).toBe(false);
    const options = CredentialOptionsSchema.oneofs.find((o) => o.name === "options");
    expect(options?.fields.map((f) => f.number)).toEqual([100, 101, 102, 103]);
  });

  it("ConnectorServiceValidateResponse.sdk_version = 2", () => {
    expect(ConnectorServiceValidateResponseSchema.field.sdkVersion.number).toBe(2);
  });

  it("Capability enum ends at CREDENTIAL_ISSUE = 14", () => {
    expect(Capability.CREDENTIAL_ISSUE).toBe(14);
    expect(Capability.SERVICE_MODE_TARGETED_SYNC).toBe(13);
    expect(Capability.EVENT_FEED_V2).toBe(12);
  });

  it("google.rpc.Status and ErrorInfo use the standard numbers", () => {
    expect(numbers(StatusSchema)).toEqual({ code: 1, message: 2, details: 3 });
    expect(numbers(ErrorInfoSchema)).toEqual({ reason: 1, domain: 2, metadata: 3 });
  });
});

describe("Any type URLs", () => {
  const named: [DescMessage, string][] = [
    [UserTraitSchema, "c1.connector.v2.UserTrait"],
    [GroupTraitSchema, "c1.connector.v2.GroupTrait"],
    [RoleTraitSchema, "c1.connector.v2.RoleTrait"],
    [AppTraitSchema, "c1.connector.v2.AppTrait"],
    [LicenseProfileTraitSchema, "c1.connector.v2.LicenseProfileTrait"],
    [SecretTraitSchema, "c1.connector.v2.SecretTrait"],
    [ChildResourceTypeSchema, "c1.connector.v2.ChildResourceType"],
    [SkipEntitlementsAndGrantsSchema, "c1.connector.v2.SkipEntitlementsAndGrants"],
    [SkipEntitlementsSchema, "c1.connector.v2.SkipEntitlements"],
    [SkipGrantsSchema, "c1.connector.v2.SkipGrants"],
    [ExternalLinkSchema, "c1.connector.v2.ExternalLink"],
    [V1IdentifierSchema, "c1.connector.v2.V1Identifier"],
    [AliasesSchema, "c1.connector.v2.Aliases"],
    [RawIdSchema, "c1.connector.v2.RawId"],
    [BatonIDSchema, "c1.connector.v2.BatonID"],
    [ExternalResourceMatchSchema, "c1.connector.v2.ExternalResourceMatch"],
    [ExternalResourceMatchAllSchema, "c1.connector.v2.ExternalResourceMatchAll"],
    [ExternalResourceMatchIDSchema, "c1.connector.v2.ExternalResourceMatchID"],
    [EntitlementImmutableSchema, "c1.connector.v2.EntitlementImmutable"],
    [EntitlementExclusionGroupSchema, "c1.connector.v2.EntitlementExclusionGroup"],
    [GrantExpandableSchema, "c1.connector.v2.GrantExpandable"],
    [GrantImmutableSchema, "c1.connector.v2.GrantImmutable"],
    [GrantMetadataSchema, "c1.connector.v2.GrantMetadata"],
    [GrantAlreadyExistsSchema, "c1.connector.v2.GrantAlreadyExists"],
    [GrantAlreadyRevokedSchema, "c1.connector.v2.GrantAlreadyRevoked"],
    [InsertResourceGrantsSchema, "c1.connector.v2.InsertResourceGrants"],
    [GrantReplacedSchema, "c1.connector.v2.GrantReplaced"],
    [ResourceDeletedSchema, "c1.connector.v2.ResourceDeleted"],
    [ResourceDoesNotExistSchema, "c1.connector.v2.ResourceDoesNotExist"],
    [RateLimitDescriptionSchema, "c1.connector.v2.RateLimitDescription"],
    [RateLimitWaitReportSchema, "c1.connector.v2.RateLimitWaitReport"],
    [RequestIdSchema, "c1.connector.v2.RequestId"],
    [ExternalTicketSettingsSchema, "c1.connector.v2.ExternalTicketSettings"],
    [EnqueuePageTokensSchema, "c1.connector.v2.EnqueuePageTokens"],
    [TypeScopedGrantsSchema, "c1.connector.v2.TypeScopedGrants"],
    [TypeScopedEntitlementsSchema, "c1.connector.v2.TypeScopedEntitlements"],
    [CapabilityPermissionsSchema, "c1.connector.v2.CapabilityPermissions"],
    [OptInRequiredSchema, "c1.connector.v2.OptInRequired"],
    [DeprecatedSchema, "c1.connector.v2.Deprecated"],
    [SkipSyncAnomalyDetectionSchema, "c1.connector.v2.SkipSyncAnomalyDetection"],
    [ConnectorCapabilitiesSchema, "c1.connector.v2.ConnectorCapabilities"],
    [RateLimitV1DescriptionSchema, "c1.ratelimit.v1.RateLimitDescription"],
    [ErrorInfoSchema, "google.rpc.ErrorInfo"],
    [StatusSchema, "google.rpc.Status"],
  ];

  it.each(named)("%#: %s", (schema, fullName) => {
    expect(schema.typeName).toBe(fullName);
  });

  it("packs with the type.googleapis.com/ prefix", () => {
    const any = anyPack(UserTraitSchema, create(UserTraitSchema, { login: "a" }));
    expect(any.typeUrl).toBe("type.googleapis.com/c1.connector.v2.UserTrait");
  });

  it("c1.config.v1.Field keeps its oneof at 100..106", () => {
    const field = file_c1_config_v1_config.messages.find((m) => m.name === "Field");
    expect(field?.typeName).toBe("c1.config.v1.Field");
    expect(field?.oneofs[0]?.fields.map((f) => f.number)).toEqual([
      100, 101, 102, 103, 104, 105, 106,
    ]);
  });
});

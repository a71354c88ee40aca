/**
 * Drives a running connector server with @grpc/grpc-js clients, over h2c and over mTLS, through
 * the fixture connector: every c1.connector.v2 RPC a host uses, the health check and the rate
 * limiter, decoded field by field, plus the error contract (codes, named fields, status details)
 * and annotation round trips, including an annotation type nobody knows.
 */
import type { Any } from "@bufbuild/protobuf/wkt";
import { anyUnpack, timestampDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pick } from "../src/baton/annotations.js";
import {
  UNKNOWN_ANNOTATION_TYPE_URL,
  unknownAnnotation,
} from "../src/baton/testing/fixture-connector.js";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
  GrantExpandableSchema,
} from "../src/gen/c1/connector/v2/annotation_grant_pb.js";
import {
  RateLimitDescription_Status,
  RateLimitDescriptionSchema,
} from "../src/gen/c1/connector/v2/annotation_ratelimit_pb.js";
import { ResourceDoesNotExistSchema } from "../src/gen/c1/connector/v2/annotation_resource_pb.js";
import { ChildResourceTypeSchema } from "../src/gen/c1/connector/v2/annotation_resource_tree_pb.js";
import {
  GroupTraitSchema,
  UserTrait_AccountType,
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../src/gen/c1/connector/v2/annotation_trait_pb.js";
import {
  Capability,
  CapabilityDetailCredentialOption,
  ConnectorService,
} from "../src/gen/c1/connector/v2/connector_pb.js";
import {
  Entitlement_PurposeValue,
  EntitlementsService,
} from "../src/gen/c1/connector/v2/entitlement_pb.js";
import { GrantManagerService, GrantsService } from "../src/gen/c1/connector/v2/grant_pb.js";
import {
  AccountManagerService,
  type Resource,
  ResourceDeleterService,
  ResourceGetterService,
  ResourceManagerService,
  ResourcesService,
  ResourceType_Trait,
  ResourceTypesService,
  Status_ResourceStatus,
} from "../src/gen/c1/connector/v2/resource_pb.js";
import {
  RateLimitDescription_Status as LimiterStatus,
  RateLimiterService,
} from "../src/gen/c1/ratelimit/v1/ratelimit_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "../src/gen/grpc/health/v1/health_pb.js";
import { type Harness, startHarness, type TransportKind } from "./grpc-harness.js";
import { grpc, statusDetails } from "./grpc-js-client.js";
import { hasOpenssl, makeTestCertificates, type TestCertificates } from "./test-certificates.js";

const RESET_AT = new Date("2030-01-01T00:00:00Z");
const T = ResourceType_Trait;
const C = Capability;

function expectUnknownAnnotation(a: Any | undefined): void {
  const expected = unknownAnnotation();
  expect(a?.typeUrl).toBe(UNKNOWN_ANNOTATION_TYPE_URL);
  expect(Buffer.from(a?.value ?? []).equals(Buffer.from(expected.value))).toBe(true);
}

const transports: TransportKind[] = hasOpenssl() ? ["h2c", "mtls"] : ["h2c"];

describe.each(transports)("c1.connector.v2 over %s, driven by grpc-js", (kind) => {
  let certs: TestCertificates | undefined;
  let h: Harness;

  beforeAll(async () => {
    certs = kind === "mtls" ? makeTestCertificates() : undefined;
    h = await startHarness(kind, certs, {
      rateLimitOnce: { call: "list:role", resetAt: RESET_AT, limit: 600, remaining: 0 },
    });
    expect(await h.server.validated).toBe(true);
  });
  afterAll(async () => {
    await h?.close();
    certs?.remove();
  });

  it("GetMetadata: names the connector and derives sorted capabilities", async () => {
    const { metadata } = await h.client.call(ConnectorService.method.getMetadata, {});
    expect(metadata?.displayName).toBe("Baton fixture");
    expect(metadata?.description).toBe(
      "An in-memory connector that exercises the Baton runtime in tests.",
    );
    expect(metadata?.helpUrl).toBe("https://example.test/baton-fixture");
    const caps = metadata?.capabilities;
    expect(caps?.resourceTypeCapabilities.map((t) => t.resourceType?.id)).toEqual([
      "group",
      "project",
      "role",
      "user",
    ]);
    expect(caps?.resourceTypeCapabilities.map((t) => t.capabilities)).toEqual([
      [C.PROVISION, C.SYNC, C.TARGETED_SYNC],
      [C.SYNC],
      [C.SYNC],
      [C.SYNC, C.ACCOUNT_PROVISIONING, C.RESOURCE_DELETE, C.TARGETED_SYNC],
    ]);
    expect(caps?.resourceTypeCapabilities.map((t) => t.resourceType?.traits)).toEqual([
      [T.GROUP],
      [],
      [T.ROLE],
      [T.USER],
    ]);
    expect(caps?.connectorCapabilities).toEqual([
      C.PROVISION,
      C.SYNC,
      C.ACCOUNT_PROVISIONING,
      C.RESOURCE_DELETE,
      C.TARGETED_SYNC,
      C.SERVICE_MODE_TARGETED_SYNC,
    ]);
    const account = caps?.credentialDetails?.capabilityAccountProvisioning;
    expect(account?.supportedCredentialOptions).toEqual([
      CapabilityDetailCredentialOption.NO_PASSWORD,
    ]);
    expect(account?.preferredCredentialOption).toBe(CapabilityDetailCredentialOption.NO_PASSWORD);
    expect(caps?.credentialDetails?.capabilityCredentialRotation).toBeUndefined();
    const fields = metadata?.accountCreationSchema?.fieldMap ?? {};
    expect(Object.keys(fields).sort()).toEqual(["email", "login"]);
    expect(fields.login?.required).toBe(true);
    expect(fields.login?.order).toBe(1);
    expect(fields.login?.field.case).toBe("stringField");
  });

  it("Validate: reports sdk_version v0.25.0, spelt as Go connectors report it", async () => {
    const res = await h.client.call(ConnectorService.method.validate, {});
    expect(res.sdkVersion).toBe("v0.25.0");
    expect(res.annotations).toEqual([]);
  });

  it("ListResourceTypes: every type with its traits, in one page", async () => {
    const res = await h.client.call(ResourceTypesService.method.listResourceTypes, {});
    expect(res.list.map((t) => [t.id, t.displayName, t.traits])).toEqual([
      ["user", "User", [T.USER]],
      ["group", "Group", [T.GROUP]],
      ["role", "Role", [T.ROLE]],
      ["project", "Project", []],
    ]);
    expect(res.nextPageToken).toBe("");
  });

  it("ListResources: pages through users with changing tokens and full user traits", async () => {
    const pages: Resource[][] = [];
    const tokens: string[] = [];
    let token = "";
    do {
      const res = await h.client.call(ResourcesService.method.listResources, {
        resourceTypeId: "user",
        pageToken: token,
        activeSyncId: "2V7mvoLNcJGuhQZn4fBv1BHjC9x",
      });
      pages.push(res.list);
      token = res.nextPageToken;
      tokens.push(token);
    } while (token !== "");
    expect(pages.map((p) => p.map((r) => r.id?.resource))).toEqual([
      ["u1", "u2"],
      ["u3", "u4"],
      ["u5"],
    ]);
    expect(tokens[0]).not.toBe("");
    expect(tokens[1]).not.toBe(tokens[0]);
    expect(tokens[2]).toBe("");

    const u1 = pages[0]?.[0];
    expect(u1?.id?.resourceType).toBe("user");
    expect(u1?.displayName).toBe("User 1");
    expect(u1?.status?.status).toBe(Status_ResourceStatus.ENABLED);
    const trait = pick(u1?.annotations ?? [], UserTraitSchema);
    expect(trait?.login).toBe("user1");
    expect(trait?.emails.map((e) => [e.address, e.isPrimary])).toEqual([
      ["user1@example.test", true],
    ]);
    expect(trait?.status?.status).toBe(UserTrait_Status_Status.ENABLED);
    expect(trait?.accountType).toBe(UserTrait_AccountType.HUMAN);
    // The annotation type nobody knows comes through byte for byte, after the trait.
    expect(u1?.annotations).toHaveLength(2);
    expectUnknownAnnotation(u1?.annotations[1]);

    const u3 = pages[1]?.[0];
    expect(u3?.status?.status).toBe(Status_ResourceStatus.DISABLED);
    expect(pick(u3?.annotations ?? [], UserTraitSchema)?.status?.status).toBe(
      UserTrait_Status_Status.DISABLED,
    );
    expect(u3?.annotations).toHaveLength(1);
  });

  it("ListResources: groups advertise the child type; projects list only under a parent", async () => {
    const groups = await h.client.call(ResourcesService.method.listResources, {
      resourceTypeId: "group",
    });
    expect(groups.list.map((g) => [g.id?.resource, g.displayName])).toEqual([
      ["eng", "Engineering"],
      ["ops", "Operations"],
    ]);
    const eng = groups.list[0];
    expect(pick(eng?.annotations ?? [], GroupTraitSchema)).toBeDefined();
    expect(pick(eng?.annotations ?? [], ChildResourceTypeSchema)?.resourceTypeId).toBe("project");

    const orphan = await h.client.call(ResourcesService.method.listResources, {
      resourceTypeId: "project",
    });
    expect(orphan.list).toEqual([]);
    expect(orphan.nextPageToken).toBe("");

    const children = await h.client.call(ResourcesService.method.listResources, {
      resourceTypeId: "project",
      parentResourceId: { resourceType: "group", resource: "eng" },
    });
    expect(
      children.list.map((p) => [
        p.id?.resourceType,
        p.id?.resource,
        p.parentResourceId?.resourceType,
        p.parentResourceId?.resource,
      ]),
    ).toEqual([
      ["project", "eng-web", "group", "eng"],
      ["project", "eng-api", "group", "eng"],
    ]);
    expect(children.nextPageToken).toBe("");
  });

  it("ListStaticEntitlements: OK with an empty list", async () => {
    const res = await h.client.call(EntitlementsService.method.listStaticEntitlements, {
      resourceTypeId: "group",
    });
    expect(res.list).toEqual([]);
    expect(res.nextPageToken).toBe("");
    expect(res.annotations).toEqual([]);
  });

  it("ListEntitlements: the group's member entitlement, with the resource's annotations intact", async () => {
    const res = await h.client.call(EntitlementsService.method.listEntitlements, {
      resource: {
        id: { resourceType: "group", resource: "eng" },
        displayName: "Engineering",
        annotations: [unknownAnnotation()],
      },
    });
    expect(res.list).toHaveLength(1);
    const e = res.list[0];
    expect(e?.id).toBe("group:eng:member");
    expect(e?.slug).toBe("member");
    expect(e?.displayName).toBe("Engineering member");
    expect(e?.purpose).toBe(Entitlement_PurposeValue.ASSIGNMENT);
    expect(e?.grantableTo.map((t) => t.id)).toEqual(["user"]);
    expect(e?.resource?.id?.resource).toBe("eng");
    expectUnknownAnnotation(e?.resource?.annotations[0]);
    expect(res.nextPageToken).toBe("");
  });

  it("ListGrants: pages through a group with more members than one page", async () => {
    const ids: string[][] = [];
    let token = "";
    do {
      const res = await h.client.call(GrantsService.method.listGrants, {
        resource: { id: { resourceType: "group", resource: "eng" }, displayName: "Engineering" },
        pageToken: token,
      });
      ids.push(res.list.map((g) => g.id));
      for (const g of res.list) {
        expect(g.entitlement?.id).toBe("group:eng:member");
        expect(g.entitlement?.resource?.id?.resource).toBe("eng");
        expect(g.principal?.id?.resourceType).toBe("user");
        expect(g.id).toBe(`group:eng:member:user:${g.principal?.id?.resource}`);
        expect(g.annotations).toEqual([]);
      }
      expect(res.nextPageToken).not.toBe(token);
      token = res.nextPageToken;
    } while (token !== "");
    expect(ids).toEqual([
      ["group:eng:member:user:u1", "group:eng:member:user:u2"],
      ["group:eng:member:user:u3", "group:eng:member:user:u4"],
      ["group:eng:member:user:u5"],
    ]);
  });

  it("ListGrants: a role granted to a group carries GrantExpandable on the group's member entitlement", async () => {
    const res = await h.client.call(GrantsService.method.listGrants, {
      resource: { id: { resourceType: "role", resource: "admin" }, displayName: "Administrator" },
    });
    expect(res.list.map((g) => g.id)).toEqual([
      "role:admin:assigned:user:u1",
      "role:admin:assigned:group:eng",
    ]);
    const toGroup = res.list[1];
    expect(toGroup?.principal?.id).toMatchObject({ resourceType: "group", resource: "eng" });
    expect(toGroup?.entitlement?.id).toBe("role:admin:assigned");
    const expandable = pick(toGroup?.annotations ?? [], GrantExpandableSchema);
    expect(expandable?.entitlementIds).toEqual(["group:eng:member"]);
    expect(expandable?.shallow).toBe(false);
    expect(expandable?.resourceTypeIds).toEqual([]);
    expect(pick(res.list[0]?.annotations ?? [], GrantExpandableSchema)).toBeUndefined();
    expect(res.nextPageToken).toBe("");
  });

  it("GetResource: found with its unknown annotation; NotFound when absent", async () => {
    const { resource } = await h.client.call(ResourceGetterService.method.getResource, {
      resourceId: { resourceType: "user", resource: "u1" },
    });
    expect(resource?.id).toMatchObject({ resourceType: "user", resource: "u1" });
    expect(resource?.displayName).toBe("User 1");
    expect(pick(resource?.annotations ?? [], UserTraitSchema)?.login).toBe("user1");
    expectUnknownAnnotation(resource?.annotations[1]);

    const group = await h.client.call(ResourceGetterService.method.getResource, {
      resourceId: { resourceType: "group", resource: "ops" },
    });
    expect(group.resource?.displayName).toBe("Operations");

    const err = await h.client.fail(ResourceGetterService.method.getResource, {
      resourceId: { resourceType: "user", resource: "nobody" },
    });
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.details).toContain("nobody");
  });

  it("Grant: adds a member and echoes the principal untouched; a repeat reports GrantAlreadyExists", async () => {
    const request = {
      entitlement: {
        id: "group:ops:member",
        resource: { id: { resourceType: "group", resource: "ops" } },
      },
      principal: {
        id: { resourceType: "user", resource: "u2" },
        annotations: [unknownAnnotation()],
      },
    };
    const first = await h.client.call(GrantManagerService.method.grant, request);
    expect(first.annotations).toEqual([]);
    expect(first.grants).toHaveLength(1);
    const g = first.grants[0];
    expect(g?.id).toBe("group:ops:member:user:u2");
    expect(g?.entitlement?.id).toBe("group:ops:member");
    expect(g?.principal?.id).toMatchObject({ resourceType: "user", resource: "u2" });
    expectUnknownAnnotation(g?.principal?.annotations[0]);
    expect([...(h.fixture.state.groups.get("ops")?.members ?? [])]).toEqual(["u1", "u2"]);

    const again = await h.client.call(GrantManagerService.method.grant, request);
    expect(again.grants).toEqual([]);
    expect(again.annotations.map((a) => a.typeUrl)).toEqual([
      `type.googleapis.com/${GrantAlreadyExistsSchema.typeName}`,
    ]);
  });

  it("Revoke: acts on entitlement + principal (not grant.id); a repeat reports GrantAlreadyRevoked", async () => {
    const request = {
      grant: {
        id: "🧸_UNKNOWN_GRANT_ID",
        entitlement: {
          id: "group:ops:member",
          resource: { id: { resourceType: "group", resource: "ops" } },
        },
        principal: { id: { resourceType: "user", resource: "u2" } },
      },
    };
    const first = await h.client.call(GrantManagerService.method.revoke, request);
    expect(first.annotations).toEqual([]);
    expect([...(h.fixture.state.groups.get("ops")?.members ?? [])]).toEqual(["u1"]);
    const again = await h.client.call(GrantManagerService.method.revoke, request);
    expect(again.annotations.map((a) => a.typeUrl)).toEqual([
      `type.googleapis.com/${GrantAlreadyRevokedSchema.typeName}`,
    ]);
  });

  it("CreateAccount: success with is_create_account_result, then already_exists", async () => {
    const request = {
      accountInfo: {
        login: "newbie",
        emails: [{ address: "newbie@example.test", isPrimary: true }],
        profile: { login: "newbie", email: "newbie@example.test" },
      },
      credentialOptions: { options: { case: "noPassword" as const, value: {} } },
      resourceTypeId: "user",
    };
    const first = await h.client.call(AccountManagerService.method.createAccount, request);
    expect(first.result.case).toBe("success");
    if (first.result.case !== "success") return;
    expect(first.result.value.isCreateAccountResult).toBe(true);
    const created = first.result.value.resource;
    expect(created?.id).toMatchObject({ resourceType: "user", resource: "u6" });
    const trait = pick(created?.annotations ?? [], UserTraitSchema);
    expect(trait?.login).toBe("newbie");
    expect(trait?.emails[0]?.address).toBe("newbie@example.test");
    expect(first.encryptedData).toEqual([]);

    const again = await h.client.call(AccountManagerService.method.createAccount, request);
    expect(again.result.case).toBe("alreadyExists");
    if (again.result.case !== "alreadyExists") return;
    expect(again.result.value.isCreateAccountResult).toBe(true);
    expect(again.result.value.resource?.id?.resource).toBe("u6");
  });

  it("DeleteResource and DeleteResourceV2: delete, then ResourceDoesNotExist", async () => {
    const u6 = { resourceId: { resourceType: "user", resource: "u6" } };
    const v1 = await h.client.call(ResourceManagerService.method.deleteResource, u6);
    expect(v1.annotations).toEqual([]);
    expect(h.fixture.state.users.has("u6")).toBe(false);
    const v2Gone = await h.client.call(ResourceDeleterService.method.deleteResourceV2, u6);
    expect(v2Gone.annotations.map((a) => a.typeUrl)).toEqual([
      `type.googleapis.com/${ResourceDoesNotExistSchema.typeName}`,
    ]);

    const u5 = { resourceId: { resourceType: "user", resource: "u5" } };
    const v2 = await h.client.call(ResourceDeleterService.method.deleteResourceV2, u5);
    expect(v2.annotations).toEqual([]);
    expect(h.fixture.state.groups.get("eng")?.members.has("u5")).toBe(false);
    const v1Gone = await h.client.call(ResourceManagerService.method.deleteResource, u5);
    expect(pick(v1Gone.annotations, ResourceDoesNotExistSchema)).toBeDefined();
  });

  it("Health: SERVING for the server and the connector service; NotFound for others", async () => {
    for (const service of ["", "c1.connector.v2.ConnectorService"]) {
      const res = await h.client.call(Health.method.check, { service });
      expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    }
    const err = await h.client.fail(Health.method.check, { service: "acme.Nope" });
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    const watched = await h.client.firstOfStream(Health.method.watch, { service: "" }, 1);
    expect(watched.map((m) => m.status)).toEqual([HealthCheckResponse_ServingStatus.SERVING]);
  });

  it("RateLimiterService: Do answers EMPTY and echoes the token; Report answers empty", async () => {
    const res = await h.client.call(RateLimiterService.method.do, {
      requestToken: "req-42",
      service: "connector",
      descriptors: {
        entries: [
          { key: "connector_method", value: "/c1.connector.v2.ResourcesService/ListResources" },
          { key: "connector_resource_type", value: "user" },
        ],
      },
    });
    expect(res.requestToken).toBe("req-42");
    expect(res.description?.status).toBe(LimiterStatus.EMPTY);
    const report = await h.client.call(RateLimiterService.method.report, {
      requestToken: "req-42",
      service: "connector",
      description: { status: LimiterStatus.OK },
    });
    expect(report).toBeDefined();
  });

  describe("error contract", () => {
    it("NotFound for an unknown resource type", async () => {
      const err = await h.client.fail(ResourcesService.method.listResources, {
        resourceTypeId: "widget",
      });
      expect(err.code).toBe(grpc.status.NOT_FOUND);
      expect(err.details).toContain('unknown resource type "widget"');
    });

    it("InvalidArgument naming the field: page_size over 250", async () => {
      const err = await h.client.fail(ResourcesService.method.listResources, {
        resourceTypeId: "user",
        pageSize: 251,
      });
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toContain("ResourcesServiceListResourcesRequest.page_size");
    });

    it("InvalidArgument naming the field: missing resource_type_id", async () => {
      const err = await h.client.fail(ResourcesService.method.listResources, {});
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toContain("ResourcesServiceListResourcesRequest.resource_type_id");
    });

    it("InvalidArgument naming the field: a page token over 1 MiB, and one we never issued", async () => {
      const long = await h.client.fail(GrantsService.method.listGrants, {
        resource: { id: { resourceType: "group", resource: "eng" } },
        pageToken: "x".repeat(1_048_577),
      });
      expect(long.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(long.details).toContain("GrantsServiceListGrantsRequest.page_token");
      const forged = await h.client.fail(ResourcesService.method.listResources, {
        resourceTypeId: "user",
        pageToken: "not-a-token",
      });
      expect(forged.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(forged.details).toContain("page_token");
    });

    it("InvalidArgument naming the field: an over-long active_sync_id", async () => {
      const err = await h.client.fail(ResourcesService.method.listResources, {
        resourceTypeId: "user",
        activeSyncId: "k".repeat(1025),
      });
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toContain("ResourcesServiceListResourcesRequest.active_sync_id");
    });

    it("Unimplemented for GetResource on a type without a getter", async () => {
      for (const resourceType of ["role", "project"]) {
        const err = await h.client.fail(ResourceGetterService.method.getResource, {
          resourceId: { resourceType, resource: "admin" },
        });
        expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
        expect(err.details).toContain(resourceType);
      }
    });

    it("Unavailable whose grpc-status-details-bin holds a RateLimitDescription with the reset time", async () => {
      const err = await h.client.fail(ResourcesService.method.listResources, {
        resourceTypeId: "role",
      });
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
      const status = statusDetails(err);
      expect(status?.code).toBe(grpc.status.UNAVAILABLE);
      expect(status?.message).toBe(err.details);
      expect(status?.details.map((d) => d.typeUrl)).toEqual([
        "type.googleapis.com/c1.connector.v2.RateLimitDescription",
      ]);
      const first = status?.details[0];
      const desc = first ? anyUnpack(first, RateLimitDescriptionSchema) : undefined;
      expect(desc?.status).toBe(RateLimitDescription_Status.OVERLIMIT);
      expect(desc?.limit).toBe(600n);
      expect(desc?.remaining).toBe(0n);
      expect(desc?.resetAt && timestampDate(desc.resetAt).toISOString()).toBe(
        RESET_AT.toISOString(),
      );
      // The limit was transient: the retry a host makes after the wait succeeds.
      const retry = await h.client.call(ResourcesService.method.listResources, {
        resourceTypeId: "role",
      });
      expect(retry.list.map((r) => r.id?.resource)).toEqual(["admin", "viewer"]);
    });
  });
});

describe("provisioning disabled", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("h2c", undefined, {}, { provisioning: false });
  });
  afterAll(async () => h?.close());

  it("answers every provisioning RPC with FailedPrecondition and changes nothing", async () => {
    const grant = await h.client.fail(GrantManagerService.method.grant, {
      entitlement: {
        id: "group:ops:member",
        resource: { id: { resourceType: "group", resource: "ops" } },
      },
      principal: { id: { resourceType: "user", resource: "u2" } },
    });
    expect(grant.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(grant.details).toContain("provisioning is not enabled");
    const calls = [
      h.client.fail(GrantManagerService.method.revoke, { grant: {} }),
      h.client.fail(AccountManagerService.method.createAccount, { accountInfo: { login: "x" } }),
      h.client.fail(ResourceManagerService.method.deleteResource, {
        resourceId: { resourceType: "user", resource: "u1" },
      }),
      h.client.fail(ResourceDeleterService.method.deleteResourceV2, {
        resourceId: { resourceType: "user", resource: "u1" },
      }),
    ];
    for (const err of await Promise.all(calls)) {
      expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(err.details).toContain("provisioning is not enabled");
    }
    expect(h.fixture.state.users.has("u1")).toBe(true);
    expect(h.fixture.state.groups.get("ops")?.members.has("u2")).toBe(false);
  });
});

/**
 * A small, deterministic in-memory connector that exercises every part of the Baton runtime:
 * paginated users and group members, a role with a GrantExpandable grant, a child resource type,
 * idempotent provisioning, account creation and deletion, plus switches for a rate-limited call,
 * a failing validation and an unknown annotation type. The gRPC server tests and the sync engine
 * tests share it; it is compiled into dist as the runtime's test harness.
 */
import { Code } from "@connectrpc/connect";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
} from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { ResourceDoesNotExistSchema } from "../../gen/c1/connector/v2/annotation_resource_pb.js";
import { CapabilityDetailCredentialOption } from "../../gen/c1/connector/v2/connector_pb.js";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type {
  AccountInfo,
  CredentialOptions,
  Resource,
  ResourceId,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { pack } from "../annotations.js";
import type {
  AccountManager,
  AccountResult,
  AnnotatedPage,
  CallContext,
  Connector,
  ProvisionResult,
  ResourceSyncer,
} from "../connector.js";
import { connectorError, rateLimitedError } from "../errors.js";
import { entitlementId } from "../ids.js";
import { decodePageToken, encodePageToken, type PageRequest, pageSize } from "../pagination.js";
import {
  assignment,
  type FixtureState,
  type FixtureTypeId,
  type FixtureUser,
  grantOf,
  groupResource,
  principalStub,
  projectResource,
  roleResource,
  seedState,
  fixtureResourceTypes as types,
  userResource,
} from "./fixture-data.js";

export { UNKNOWN_ANNOTATION_TYPE_URL, unknownAnnotation } from "./fixture-data.js";
export type { FixtureState, FixtureTypeId, FixtureUser };

/** A connector method, as recorded in {@link FixtureConnector.calls}. */
export type FixtureCall =
  | `${"list" | "entitlements" | "grants" | "get" | "grant" | "revoke" | "delete" | "create"}:${FixtureTypeId}`
  | "metadata"
  | "validate"
  | "cleanup";

/** Options of {@link createFixtureConnector}; every default keeps the fixture deterministic. */
export interface FixtureOptions {
  /** Users `u1..uN` (default 5); all are members of group `eng`. */
  userCount?: number;
  /** Page size of every paginated list: users, groups and group members (default 2). */
  pageSize?: number;
  /** Whether user `u1` carries an annotation of an unknown type (default true). */
  unknownAnnotation?: boolean;
  /** Fail this call once with Unavailable + RateLimitDescription, then behave normally. */
  rateLimitOnce?: { call: FixtureCall; resetAt: Date; limit?: number; remaining?: number };
  /** Make validate fail with Unauthenticated (bad credentials). */
  failValidation?: boolean;
  /** Runs at the start of every call, e.g. to hold a call in flight; it sees the call's signal. */
  beforeCall?: (call: FixtureCall, signal: AbortSignal) => void | Promise<void>;
}

/** The fixture: a Connector plus its state and a log of the calls it served, for assertions. */
export interface FixtureConnector extends Connector {
  readonly state: FixtureState;
  readonly calls: FixtureCall[];
}

/** Paging by offset over an in-memory list, with tokens made by encodePageToken. */
function pageOf<T>(items: readonly T[], req: PageRequest, preferred: number): AnnotatedPage<T> {
  const offset =
    decodePageToken(req.token, (v) => {
      const o = (v as { offset?: unknown } | null)?.offset;
      if (typeof o !== "number" || !Number.isInteger(o) || o < 0) throw new Error("bad offset");
      return o;
    }) ?? 0;
  const end = offset + pageSize(req, preferred);
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodePageToken({ offset: end }) : "",
  };
}

function notFound(what: string): Error {
  return connectorError(Code.NotFound, `fixture: ${what} does not exist`);
}

/** Creates a fixture connector with fresh state. */
export function createFixtureConnector(options: FixtureOptions = {}): FixtureConnector {
  const size = options.pageSize ?? 2;
  const state = seedState(options.userCount ?? 5);
  const calls: FixtureCall[] = [];
  let rateLimited = false;
  const withUnknown = options.unknownAnnotation ?? true;

  const enter = async (call: FixtureCall, ctx: CallContext): Promise<void> => {
    calls.push(call);
    await options.beforeCall?.(call, ctx.signal);
    const rl = options.rateLimitOnce;
    if (rl && rl.call === call && !rateLimited) {
      rateLimited = true;
      throw rateLimitedError(`fixture: rate limit reached during ${call}`, {
        resetAt: rl.resetAt,
        limit: rl.limit ?? 100,
        remaining: rl.remaining ?? 0,
      });
    }
  };
  const userRes = (u: FixtureUser) => userResource(u, withUnknown && u.id === "u1");
  const groupRes = (id: string) => {
    const g = state.groups.get(id);
    return g ? groupResource(id, g.displayName) : undefined;
  };

  const accounts: AccountManager = {
    credentialDetails: {
      supportedCredentialOptions: [CapabilityDetailCredentialOption.NO_PASSWORD],
      preferredCredentialOption: CapabilityDetailCredentialOption.NO_PASSWORD,
    },
    creationSchema: {
      fieldMap: {
        login: {
          displayName: "Login",
          required: true,
          description: "The user's login name.",
          placeholder: "jdoe",
          order: 1,
          field: { case: "stringField", value: {} },
        },
        email: {
          displayName: "Email",
          required: true,
          description: "The user's work email.",
          placeholder: "jdoe@example.test",
          order: 2,
          field: { case: "stringField", value: {} },
        },
      },
    },
    async create(info: AccountInfo, creds: CredentialOptions | undefined, ctx: CallContext) {
      await enter("create:user", ctx);
      return createAccount(state, info, creds, userRes);
    },
  };

  const user: ResourceSyncer = {
    resourceType: types.user,
    async list(_parent, page, ctx) {
      await enter("list:user", ctx);
      return pageOf([...state.users.values()].map(userRes), page, size);
    },
    async entitlements(_r, _page, ctx) {
      await enter("entitlements:user", ctx);
      return { items: [] };
    },
    async grants(_r, _page, ctx) {
      await enter("grants:user", ctx);
      return { items: [] };
    },
    async get(id, _parent, ctx) {
      await enter("get:user", ctx);
      const u = state.users.get(id.resource);
      return u ? userRes(u) : undefined;
    },
    async delete(id, _parent, ctx): Promise<ProvisionResult> {
      await enter("delete:user", ctx);
      if (!state.users.delete(id.resource)) {
        return { annotations: [pack(ResourceDoesNotExistSchema, {})] };
      }
      for (const g of state.groups.values()) g.members.delete(id.resource);
      for (const r of state.roles.values()) r.users = r.users.filter((u) => u !== id.resource);
      return {};
    },
    accounts,
  };

  const memberEntitlement = (r: Resource) =>
    assignment(r, "member", `${r.displayName} member`, [types.user]);

  const group: ResourceSyncer = {
    resourceType: types.group,
    async list(_parent, page, ctx) {
      await enter("list:group", ctx);
      const all = [...state.groups.entries()].map(([id, g]) => groupResource(id, g.displayName));
      return pageOf(all, page, size);
    },
    async entitlements(resource, _page, ctx) {
      await enter("entitlements:group", ctx);
      return { items: [memberEntitlement(resource)] };
    },
    async grants(resource, page, ctx) {
      await enter("grants:group", ctx);
      const id = resource.id?.resource ?? "";
      const g = state.groups.get(id);
      if (!g) throw notFound(`group "${id}"`);
      const ent = memberEntitlement(resource);
      const all = [...g.members].map((u) => grantOf(ent, principalStub("user", u)));
      return pageOf(all, page, size);
    },
    async get(id, _parent, ctx) {
      await enter("get:group", ctx);
      return groupRes(id.resource);
    },
    async grant(principal, entitlement, ctx) {
      await enter("grant:group", ctx);
      return grantMembership(state, principal, entitlement);
    },
    async revoke(grant, ctx) {
      await enter("revoke:group", ctx);
      return revokeMembership(state, grant);
    },
  };

  const role: ResourceSyncer = {
    resourceType: types.role,
    async list(_parent, page, ctx) {
      await enter("list:role", ctx);
      const all = [...state.roles.entries()].map(([id, r]) => roleResource(id, r.displayName));
      return pageOf(all, page, size);
    },
    async entitlements(resource, _page, ctx) {
      await enter("entitlements:role", ctx);
      return {
        items: [
          assignment(resource, "assigned", `${resource.displayName} assigned`, [
            types.user,
            types.group,
          ]),
        ],
      };
    },
    async grants(resource, page, ctx) {
      await enter("grants:role", ctx);
      const id = resource.id?.resource ?? "";
      const r = state.roles.get(id);
      if (!r) throw notFound(`role "${id}"`);
      const ent = assignment(resource, "assigned", `${resource.displayName} assigned`, []);
      const all = [
        ...r.users.map((u) => grantOf(ent, principalStub("user", u))),
        // Members of the group hold the role too: the syncer expands this edge.
        ...r.groups.map((g) =>
          grantOf(ent, principalStub("group", g), [
            entitlementId({ resourceType: "group", resource: g }, "member"),
          ]),
        ),
      ];
      return pageOf(all, page, size);
    },
  };

  const project: ResourceSyncer = {
    resourceType: types.project,
    async list(parent: ResourceId | undefined, page, ctx) {
      await enter("list:project", ctx);
      // Hosts list every type without a parent too; a child-only type answers an empty page.
      if (parent?.resourceType !== "group") return { items: [] };
      const ids = state.projects.get(parent.resource) ?? [];
      return pageOf(
        ids.map((p) => projectResource(p, parent.resource)),
        page,
        size,
      );
    },
    async entitlements(_r, _page, ctx) {
      await enter("entitlements:project", ctx);
      return { items: [] };
    },
    async grants(_r, _page, ctx) {
      await enter("grants:project", ctx);
      return { items: [] };
    },
  };

  return {
    state,
    calls,
    syncers: [user, group, role, project],
    async metadata(ctx) {
      await enter("metadata", ctx);
      return {
        displayName: "Baton fixture",
        description: "An in-memory connector that exercises the Baton runtime in tests.",
        helpUrl: "https://example.test/baton-fixture",
      };
    },
    async validate(ctx) {
      await enter("validate", ctx);
      if (options.failValidation) {
        throw connectorError(Code.Unauthenticated, "fixture: the credentials were rejected");
      }
      return undefined;
    },
    async cleanup(ctx) {
      await enter("cleanup", ctx);
    },
  };
}

/** Adds a user to a group; a repeat is reported with GrantAlreadyExists, not an error. */
function grantMembership(
  state: FixtureState,
  principal: Resource,
  entitlement: Entitlement,
): ProvisionResult {
  const groupId = entitlement.resource?.id?.resource ?? "";
  const g = state.groups.get(groupId);
  if (!g) throw notFound(`group "${groupId}"`);
  const expected = entitlementId({ resourceType: "group", resource: groupId }, "member");
  if (entitlement.id && entitlement.id !== expected)
    throw notFound(`entitlement "${entitlement.id}"`);
  const pid = principal.id;
  if (pid?.resourceType !== "user") {
    throw connectorError(Code.InvalidArgument, "fixture: only users can be group members");
  }
  if (!state.users.has(pid.resource)) throw notFound(`user "${pid.resource}"`);
  if (g.members.has(pid.resource)) return { annotations: [pack(GrantAlreadyExistsSchema, {})] };
  g.members.add(pid.resource);
  // The principal goes back as sent, so its annotations round-trip untouched.
  return { grants: [grantOf({ id: expected, resource: entitlement.resource }, principal)] };
}

/** Removes a user from a group, by the grant's entitlement and principal (never by grant id). */
function revokeMembership(state: FixtureState, grant: Grant): ProvisionResult {
  const groupId = grant.entitlement?.resource?.id?.resource ?? "";
  const g = state.groups.get(groupId);
  if (!g) throw notFound(`group "${groupId}"`);
  const pid = grant.principal?.id;
  if (pid?.resourceType !== "user" || !g.members.delete(pid.resource)) {
    return { annotations: [pack(GrantAlreadyRevokedSchema, {})] };
  }
  return {};
}

/** Creates a user `u<n>` without a password; an existing login answers already_exists. */
function createAccount(
  state: FixtureState,
  info: AccountInfo,
  creds: CredentialOptions | undefined,
  toResource: (u: FixtureUser) => Resource,
): AccountResult {
  const option = creds?.options.case;
  if (option && option !== "noPassword") {
    throw connectorError(
      Code.InvalidArgument,
      `CreateAccountRequest.credential_options: ${option} is not supported; use no_password`,
    );
  }
  const profileLogin = info.profile?.login;
  const login = info.login || (typeof profileLogin === "string" ? profileLogin : undefined);
  if (!login) throw connectorError(Code.InvalidArgument, "AccountInfo.login: value is required");
  const existing = [...state.users.values()].find((u) => u.login === login);
  if (existing) return { kind: "already_exists", resource: toResource(existing) };
  const email =
    info.emails.find((e) => e.isPrimary)?.address ??
    info.emails[0]?.address ??
    `${login}@example.test`;
  const u: FixtureUser = {
    id: `u${state.nextUserNumber++}`,
    login,
    email,
    displayName: login,
    enabled: true,
  };
  state.users.set(u.id, u);
  return { kind: "success", resource: toResource(u) };
}

// The SCIM 2.0 calls of the client (`/scim/v2`): users, groups, memberships and schemas, with
// typed inputs that only allow what Seismic accepts (PATCH is replace-only with a path).
import { ENDPOINTS, type Endpoint, endpointLabel } from "./endpoints.js";
import { SeismicError } from "./errors.js";
import type { SeismicLogger } from "./logger.js";
import {
  SCIM_GROUP_SCHEMA,
  SCIM_PATCH_SCHEMA,
  SCIM_USER_SCHEMA,
  ScimGroup,
  ScimGroupList,
  type ScimListResponse,
  type ScimMemberUser,
  ScimMemberUserList,
  type ScimSchema,
  ScimSchemaList,
  ScimUser,
  ScimUserList,
} from "./models.js";
import { DEFAULT_PAGE_SIZE, type PageRequest, paginate } from "./pagination.js";
import type { RequestPipeline } from "./request.js";

/** Paging and filtering of a SCIM listing. */
export interface ListOptions {
  /** 1-based index of the first item. Default 1. */
  startIndex?: number;
  /** Page size, at most 100. Default 100. */
  count?: number;
  /** A SCIM filter, e.g. `userName eq "a@b.c"`. Build values with {@link scimString}. */
  filter?: string;
  /**
   * Attributes the server may leave out (SCIM `excludedAttributes`, RFC 7644 §3.4.2.5), e.g.
   * `members` on a group listing that does not need them. A server that ignores it costs nothing.
   */
  excludedAttributes?: string;
  /**
   * True: send neither `attributes` nor `excludedAttributes`, for a strict server that refuses
   * them (seismic/variants/listing-parameters.ts). Default false.
   */
  omitProjection?: boolean;
  signal?: AbortSignal;
  /** A read ahead of need: sent only with rate-limit room no other call is waiting for. */
  prefetch?: boolean;
  /** Aborted when the caller starts waiting for that read-ahead: it is then an ordinary call. */
  promote?: AbortSignal;
}

/** Paging of an unfiltered SCIM listing. */
export type PageOptions = Omit<ListOptions, "filter" | "excludedAttributes">;

/** A group as sent in a full replace (`PUT /Groups/{id}`); unknown attributes pass through. */
export interface ScimGroupInput {
  schemas?: string[];
  displayName: string;
  externalId?: string;
  members: { value: string; [attribute: string]: unknown }[];
  [extensionOrAttribute: string]: unknown;
}

/**
 * The only PATCH operation Seismic accepts: `replace`, with a non-empty `path`
 * ("patch operations with a null or missing path are rejected with a 400 error").
 */
export interface ScimReplaceOperation {
  readonly op: "replace";
  readonly path: string;
  readonly value: unknown;
}

/** A user to create or a full replacement. `schemas` is filled in when omitted. */
export interface ScimUserInput {
  schemas?: string[];
  userName: string;
  /** Seismic accepts exactly one email, of type `work`. */
  emails: { value: string; type: "work"; primary?: boolean }[];
  name?: { givenName?: string; familyName?: string; formatted?: string };
  displayName?: string;
  active?: boolean;
  externalId?: string;
  title?: string;
  /** `Business`, `Premium` or `Partner`; ignored by Seismic when `roles` is given. */
  userType?: string;
  preferredLanguage?: string;
  timezone?: string;
  /** Content and Learning roles; case-sensitive. Takes precedence over `userType`. */
  roles?: { value: string; display?: string; primary?: boolean }[];
  [extensionOrAttribute: string]: unknown;
}

/** Quotes a value for a SCIM filter: wraps it in `"` and escapes `\` and `"`. */
export function scimString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function page(options: ListOptions) {
  const count = options.count ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(count) || count < 0 || count > 100) {
    throw new SeismicError(
      "invalid_argument",
      `SCIM count must be an integer from 0 to 100, got ${count}`,
    );
  }
  return {
    startIndex: Math.max(1, options.startIndex ?? 1),
    count,
    filter: options.filter,
    excludedAttributes: options.omitProjection ? undefined : options.excludedAttributes,
  };
}

function requireId(kind: string, id: string): string {
  if (typeof id !== "string" || id.trim() === "") {
    throw new SeismicError("invalid_argument", `${kind} must be a non-empty string`);
  }
  return id;
}

/** Adds the core schema and the URN of every extension present in the body. */
function withSchemas(body: ScimUserInput): ScimUserInput {
  if (body.schemas) return body;
  const extensions = Object.keys(body).filter((key) => key.startsWith("urn:"));
  return { schemas: [SCIM_USER_SCHEMA, ...extensions], ...body };
}

/** SCIM operations over a {@link RequestPipeline}. */
export class ScimApi {
  readonly #http: RequestPipeline;
  readonly #logger: SeismicLogger | undefined;

  constructor(http: RequestPipeline, logger?: SeismicLogger) {
    this.#http = http;
    this.#logger = logger;
  }

  /** Every item of a listing of `endpoint`, checked and read twice if need be (see paginate). */
  #iterate<T extends { id: string }>(
    endpoint: Endpoint,
    fetchPage: (p: PageRequest) => Promise<ScimListResponse<T>>,
    count: number | undefined,
  ): AsyncGenerator<T, void, undefined> {
    const label = endpointLabel(endpoint);
    return paginate(fetchPage, count, label, (reason) =>
      this.#logger?.warn({ endpoint: label, reason }, "listing did not add up; reading it again"),
    );
  }

  listUsers(options: ListOptions = {}): Promise<ScimListResponse<ScimUser>> {
    const { signal, prefetch, promote } = options;
    return this.#http.json(
      { endpoint: ENDPOINTS.listUsers, query: page(options), signal, prefetch, promote },
      ScimUserList,
    );
  }

  iterateUsers(
    options: Omit<ListOptions, "startIndex"> = {},
  ): AsyncGenerator<ScimUser, void, undefined> {
    return this.#iterate(
      ENDPOINTS.listUsers,
      (p) => this.listUsers({ ...options, ...p }),
      options.count,
    );
  }

  getUser(userId: string, signal?: AbortSignal): Promise<ScimUser> {
    const params = { userId: requireId("userId", userId) };
    return this.#http.json({ endpoint: ENDPOINTS.getUser, params, signal }, ScimUser);
  }

  async findUserByUserName(userName: string, signal?: AbortSignal): Promise<ScimUser | undefined> {
    requireId("userName", userName);
    const filter = `userName eq ${scimString(userName)}`;
    const wanted = userName.toLowerCase();
    // SCIM userName comparison is case-insensitive (RFC 7643 §4.1.1); check in case the
    // server ignored or loosened the filter.
    for await (const user of this.iterateUsers({ filter, count: 10, signal })) {
      if (user.userName.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  createUser(body: ScimUserInput, signal?: AbortSignal): Promise<ScimUser> {
    return this.#http.json(
      { endpoint: ENDPOINTS.createUser, body: withSchemas(body), signal },
      ScimUser,
    );
  }

  patchUser(
    userId: string,
    operations: readonly ScimReplaceOperation[],
    signal?: AbortSignal,
  ): Promise<ScimUser | undefined> {
    const params = { userId: requireId("userId", userId) };
    if (operations.length === 0) {
      throw new SeismicError("invalid_argument", "patchUser needs at least one operation");
    }
    for (const operation of operations) {
      if (
        operation.op !== "replace" ||
        typeof operation.path !== "string" ||
        operation.path.trim() === ""
      ) {
        throw new SeismicError(
          "invalid_argument",
          'Seismic only accepts PATCH operations {op: "replace", path, value} with a non-empty path',
        );
      }
    }
    const body = {
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: operations.map(({ op, path, value }) => ({ op, path, value })),
    };
    return this.#http.jsonOrEmpty(
      { endpoint: ENDPOINTS.patchUser, params, body, signal },
      ScimUser,
    );
  }

  replaceUser(userId: string, body: ScimUserInput, signal?: AbortSignal): Promise<ScimUser> {
    const params = { userId: requireId("userId", userId) };
    return this.#http.json(
      {
        endpoint: ENDPOINTS.replaceUser,
        params,
        body: withSchemas({ ...body, id: userId }),
        signal,
      },
      ScimUser,
    );
  }

  deleteUser(userId: string, signal?: AbortSignal): Promise<void> {
    const params = { userId: requireId("userId", userId) };
    return this.#http.noContent({ endpoint: ENDPOINTS.deleteUser, params, signal });
  }

  listGroups(options: ListOptions = {}): Promise<ScimListResponse<ScimGroup>> {
    const { signal, prefetch, promote } = options;
    return this.#http.json(
      { endpoint: ENDPOINTS.listGroups, query: page(options), signal, prefetch, promote },
      ScimGroupList,
    );
  }

  iterateGroups(
    options: Omit<ListOptions, "startIndex"> = {},
  ): AsyncGenerator<ScimGroup, void, undefined> {
    return this.#iterate(
      ENDPOINTS.listGroups,
      (p) => this.listGroups({ ...options, ...p }),
      options.count,
    );
  }

  getGroup(groupId: string, signal?: AbortSignal): Promise<ScimGroup> {
    const params = { groupId: requireId("groupId", groupId) };
    return this.#http.json({ endpoint: ENDPOINTS.getGroup, params, signal }, ScimGroup);
  }

  replaceGroup(groupId: string, body: ScimGroupInput, signal?: AbortSignal): Promise<ScimGroup> {
    const params = { groupId: requireId("groupId", groupId) };
    const schemas = body.schemas ?? [SCIM_GROUP_SCHEMA];
    return this.#http.json(
      {
        endpoint: ENDPOINTS.replaceGroup,
        params,
        body: { ...body, schemas, id: groupId },
        signal,
      },
      ScimGroup,
    );
  }

  listGroupMembers(
    groupId: string,
    options: PageOptions = {},
  ): Promise<ScimListResponse<ScimMemberUser>> {
    const params = { groupId: requireId("groupId", groupId) };
    const { signal } = options;
    // Membership needs only each member's id, but the endpoint returns full users: ≈ 1.5 KB of
    // JSON per member, most of a large sync's bytes and parsing. SCIM's `attributes` (RFC 7644
    // §3.4.2.5) asks for the id alone; a server that ignores it answers full users, which parse
    // the same way, so it costs nothing to ask.
    const query = { ...page(options), attributes: options.omitProjection ? undefined : "id" };
    return this.#http.json(
      {
        endpoint: ENDPOINTS.listGroupMembers,
        params,
        query,
        signal,
        prefetch: options.prefetch,
        promote: options.promote,
      },
      ScimMemberUserList,
    );
  }

  iterateGroupMembers(
    groupId: string,
    options: Omit<PageOptions, "startIndex"> = {},
  ): AsyncGenerator<ScimMemberUser, void, undefined> {
    return this.#iterate(
      ENDPOINTS.listGroupMembers,
      (p) => this.listGroupMembers(groupId, { ...options, ...p }),
      options.count,
    );
  }

  listUserGroups(userId: string, options: PageOptions = {}): Promise<ScimListResponse<ScimGroup>> {
    const params = { userId: requireId("userId", userId) };
    const { signal } = options;
    return this.#http.json(
      { endpoint: ENDPOINTS.listUserGroups, params, query: page(options), signal },
      ScimGroupList,
    );
  }

  iterateUserGroups(
    userId: string,
    options: Omit<PageOptions, "startIndex"> = {},
  ): AsyncGenerator<ScimGroup, void, undefined> {
    return this.#iterate(
      ENDPOINTS.listUserGroups,
      (p) => this.listUserGroups(userId, { ...options, ...p }),
      options.count,
    );
  }

  addUserToGroup(userId: string, groupId: string, signal?: AbortSignal): Promise<void> {
    const params = { userId: requireId("userId", userId), groupId: requireId("groupId", groupId) };
    return this.#http.noContent({ endpoint: ENDPOINTS.addUserToGroup, params, signal });
  }

  removeUserFromGroup(userId: string, groupId: string, signal?: AbortSignal): Promise<void> {
    const params = { userId: requireId("userId", userId), groupId: requireId("groupId", groupId) };
    return this.#http.noContent({ endpoint: ENDPOINTS.removeUserFromGroup, params, signal });
  }

  getSchemas(signal?: AbortSignal): Promise<ScimListResponse<ScimSchema>> {
    return this.#http.json({ endpoint: ENDPOINTS.getSchemas, signal }, ScimSchemaList);
  }
}

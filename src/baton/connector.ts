/**
 * What a connector implements for the Baton runtime. One {@link ResourceSyncer} per resource type
 * declares the type and lists its resources, entitlements and grants; optional members add
 * targeted sync, provisioning, account creation, deletion and resource actions. The builder turns
 * these into the `c1.connector.v2` services and derives capabilities from which members exist, so
 * shared code never branches on a resource type id.
 */
import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import type { Any, Struct } from "@bufbuild/protobuf/wkt";
import type { BatonActionSchemaSchema } from "../gen/c1/connector/v2/action_pb.js";
import type {
  ConnectorAccountCreationSchemaSchema,
  ConnectorMetadataSchema,
  CredentialDetailsAccountProvisioningSchema,
} from "../gen/c1/connector/v2/connector_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import type {
  AccountInfo,
  CredentialOptions,
  Resource,
  ResourceId,
  ResourceType,
} from "../gen/c1/connector/v2/resource_pb.js";
import type { Page, PageRequest } from "./pagination.js";

/** Per-call context handed to every connector method. */
export interface CallContext {
  /** Aborted when the caller cancels or the deadline passes. */
  signal: AbortSignal;
  /** The host's sync id, when it sends one (every sync call from a host at SDK ≥ 0.4.3). */
  activeSyncId?: string;
}

/** A page of results, plus optional response annotations (e.g. a RateLimitWaitReport). */
export interface AnnotatedPage<T> extends Page<T> {
  annotations?: Any[];
}

/** Lists one resource type, its entitlements and grants; optionally provisions it. */
export interface ResourceSyncer {
  /** The type this syncer owns: id, display name, traits and type annotations. */
  readonly resourceType: ResourceType;
  /** Resources of this type; `parent` is set only for child types listed under a parent. */
  list(
    parent: ResourceId | undefined,
    page: PageRequest,
    ctx: CallContext,
  ): Promise<AnnotatedPage<Resource>>;
  /** Entitlements offered by one resource of this type. */
  entitlements(
    resource: Resource,
    page: PageRequest,
    ctx: CallContext,
  ): Promise<AnnotatedPage<Entitlement>>;
  /** Grants on one resource's entitlements. */
  grants(resource: Resource, page: PageRequest, ctx: CallContext): Promise<AnnotatedPage<Grant>>;
  /** Per-type entitlement templates; absent means "none" (answered with an empty list). */
  staticEntitlements?(page: PageRequest, ctx: CallContext): Promise<AnnotatedPage<Entitlement>>;
  /** Fetches one resource (targeted sync); `undefined` means it does not exist. */
  get?(
    id: ResourceId,
    parent: ResourceId | undefined,
    ctx: CallContext,
  ): Promise<Resource | undefined>;
  /** Grants `entitlement` (on a resource of this type) to `principal`. */
  grant?(principal: Resource, entitlement: Entitlement, ctx: CallContext): Promise<ProvisionResult>;
  /** Revokes a grant on a resource of this type, acting on its entitlement and principal. */
  revoke?(grant: Grant, ctx: CallContext): Promise<ProvisionResult>;
  /**
   * Why grants on this type cannot be provisioned (its entitlements are read-only). Without
   * grant/revoke the type does not advertise CAPABILITY_PROVISION; with this reason its Grant
   * and Revoke answer FailedPrecondition carrying the reason (`grant_cancelled`), so platforms
   * show it instead of retrying. Without either they answer Unimplemented.
   */
  readonly provisioningRefusal?: string;
  /** Deletes (or deactivates) a resource of this type. */
  delete?(
    id: ResourceId,
    parent: ResourceId | undefined,
    ctx: CallContext,
  ): Promise<ProvisionResult>;
  /** Creates accounts of this type. */
  readonly accounts?: AccountManager;
  /** Actions on resources of this type (ActionService), e.g. enable or disable an account. */
  readonly actions?: readonly ResourceAction[];
}

/** The declared schema of an action; the runtime sets `resource_type_id` to the syncer's type. */
export type ActionSchema = MessageInitShape<typeof BatonActionSchemaSchema> & { name: string };

/**
 * One action a syncer offers. The runtime checks the arguments against the schema's fields
 * (types, required, unknown names) and normalises resource-id arguments before `prepare` sees
 * them; `prepare` checks what only the connector knows, without calling anything, and returns the
 * run. A throw from `prepare` (InvalidArgument naming the argument, FailedPrecondition, ...)
 * answers InvokeAction itself; a throw from the run makes the action FAILED.
 */
export interface ResourceAction {
  readonly schema: ActionSchema;
  prepare(args: JsonObject): ActionRun;
}

/** The work of one invocation. */
export type ActionRun = (ctx: CallContext) => Promise<ActionResult>;

/** What a finished action answers: its response struct (the schema's return types). */
export interface ActionResult {
  response: JsonObject;
  annotations?: Any[];
}

/** Outcome of a provisioning call: the grants made (for Grant) and response annotations. */
export interface ProvisionResult {
  grants?: Grant[];
  /** E.g. GrantAlreadyExists, GrantAlreadyRevoked, ResourceDoesNotExist. */
  annotations?: Any[];
}

/** Creates accounts, and describes the form and credential options platforms should offer. */
export interface AccountManager {
  readonly credentialDetails: MessageInitShape<typeof CredentialDetailsAccountProvisioningSchema>;
  readonly creationSchema?: MessageInitShape<typeof ConnectorAccountCreationSchemaSchema>;
  create(
    info: AccountInfo,
    credentials: CredentialOptions | undefined,
    ctx: CallContext,
  ): Promise<AccountResult>;
}

/** What happened to an account request (maps onto CreateAccountResponse's oneof). */
export type AccountResult =
  | { kind: "success"; resource: Resource; annotations?: Any[] }
  | { kind: "already_exists"; resource: Resource; annotations?: Any[] }
  | { kind: "action_required"; resource?: Resource; message: string; annotations?: Any[] }
  | { kind: "in_progress"; resource?: Resource; annotations?: Any[] };

/** A whole connector: metadata, validation and the syncers of every resource type. */
export interface Connector {
  /** Display name, description, help URL and so on; capabilities are computed by the builder. */
  metadata(
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ConnectorMetadataSchema> & { displayName: string }>;
  /** Checks credentials and reachability; throws a ConnectError with a precise code when not. */
  validate(ctx: CallContext): Promise<Any[] | undefined>;
  /** Every resource type's syncer, in the order they should be listed. */
  readonly syncers: readonly ResourceSyncer[];
  /** Drops per-sync caches after a sync (errors are only logged by hosts). */
  cleanup?(ctx: CallContext): Promise<void>;
  /** Upstream API usage so far, for progress lines and the end-of-sync summary. */
  stats?(): ConnectorStats;
}

/**
 * Counters of the calls a connector made to the system it connects (cumulative). A connector may
 * return more fields; the harness shows these three.
 */
export interface ConnectorStats {
  /** Requests sent upstream, every attempt included. */
  calls: number;
  /** Attempts that were retries (429, 5xx, network errors). */
  retries: number;
  /** Responses that said "rate limited" (HTTP 429). */
  rateLimited: number;
}

/** A profile struct as plain JSON values (for AccountInfo.profile and Resource.profile). */
export type Profile = Struct;

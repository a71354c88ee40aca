/**
 * A Connect interceptor that feeds {@link BatonMetrics} from the calls a connector serves: every
 * call by method and status code, List* calls as sync pages with the rows they return, a sync's
 * duration from the first call carrying its `active_sync_id` to its Cleanup, and provisioning
 * operations with their outcome (success, already_exists, already_revoked, does_not_exist, or
 * the error code). Put it first in the interceptor list, so it sees the codes the error mapping
 * settled on.
 */
import { anyIs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
} from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { ResourceDoesNotExistSchema } from "../../gen/c1/connector/v2/annotation_resource_pb.js";
import type { BatonMetrics } from "./registry.js";

/** Rows of a List* response, by method. */
const ROW_KINDS: Record<string, string> = {
  ListResourceTypes: "resource_types",
  ListResources: "resources",
  ListEntitlements: "entitlements",
  ListStaticEntitlements: "entitlements",
  ListGrants: "grants",
};

const OPERATIONS: Record<string, string> = {
  Grant: "grant",
  Revoke: "revoke",
  CreateAccount: "create_account",
  DeleteResource: "delete",
  DeleteResourceV2: "delete",
  InvokeAction: "action",
};

/** Active syncs remembered at most; a sync that never reaches Cleanup is forgotten oldest first. */
const MAX_OPEN_SYNCS = 64;

export function metricsInterceptor(
  metrics: BatonMetrics,
  now: () => number = performance.now.bind(performance),
): Interceptor {
  const openSyncs = new Map<string, number>();
  return (next) => async (req) => {
    const service = req.service.typeName;
    const method = req.method.name;
    const started = now();
    const message = req.message as { activeSyncId?: unknown } | undefined;
    const syncId = typeof message?.activeSyncId === "string" ? message.activeSyncId : "";
    if (syncId !== "" && method !== "Cleanup" && !openSyncs.has(syncId)) {
      openSyncs.set(syncId, started);
      if (openSyncs.size > MAX_OPEN_SYNCS)
        openSyncs.delete(openSyncs.keys().next().value as string);
    }
    const done = (code: string, response: unknown) => {
      const seconds = (now() - started) / 1000;
      metrics.grpcRequests.inc({ service, method, code });
      metrics.grpcDuration.observe({ service, method }, seconds);
      const kind = ROW_KINDS[method];
      if (kind !== undefined) {
        metrics.pageDuration.observe({ method }, seconds);
        const list = (response as { list?: unknown } | undefined)?.list;
        if (Array.isArray(list)) metrics.rows.inc({ kind }, list.length);
      }
      const operation = OPERATIONS[method];
      if (operation !== undefined) {
        metrics.provisioning.inc({
          operation,
          outcome: code === "OK" ? outcomeOf(response) : code.toLowerCase(),
        });
      }
      if (method === "Cleanup" && code === "OK") {
        const begun = openSyncs.get(syncId);
        if (begun !== undefined) {
          metrics.syncDuration.observe((now() - begun) / 1000);
          openSyncs.delete(syncId);
        }
      }
    };
    try {
      const res = await next(req);
      done("OK", res.stream ? undefined : res.message);
      return res;
    } catch (e) {
      done(codeName(ConnectError.from(e).code), undefined);
      throw e;
    }
  };
}

/** `NOT_FOUND`, `UNAVAILABLE`, …: the gRPC names of the codes. */
function codeName(code: Code): string {
  return (Code[code] ?? String(code)).replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/** What a successful provisioning response says happened. */
function outcomeOf(response: unknown): string {
  const r = response as
    | { annotations?: Parameters<typeof anyIs>[0][]; result?: { case?: string } }
    | undefined;
  const annotations = r?.annotations ?? [];
  if (annotations.some((a) => anyIs(a, GrantAlreadyExistsSchema))) return "already_exists";
  if (annotations.some((a) => anyIs(a, GrantAlreadyRevokedSchema))) return "already_revoked";
  if (annotations.some((a) => anyIs(a, ResourceDoesNotExistSchema))) return "does_not_exist";
  if (r?.result?.case === "alreadyExists") return "already_exists";
  if (r?.result?.case === "actionRequired") return "action_required";
  if (r?.result?.case === "inProgress") return "in_progress";
  return "success";
}

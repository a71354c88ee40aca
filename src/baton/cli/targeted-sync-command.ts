/**
 * The one-shot partial sync: `--sync-resources TYPE:ID,…` adds a `partial` sync run to `--file`
 * holding just those resources, their children, entitlements and grants, with the latest
 * finished full sync of the file as its parent, as the Go CLI does. A new file holds only that
 * run. A failed partial sync leaves the file as it was; so does SIGTERM or SIGINT, which stops it
 * cleanly (no further calls, the working copy removed, one line, exit 143 or 130).
 */
import { C1zStore } from "../c1z/store.js";
import { UsageError } from "../errors.js";
import { connectorClients, inProcessTransport } from "../sync/clients.js";
import { parseSyncTargets } from "../sync/target-ids.js";
import { runTargetedSync } from "../sync/targeted-sync.js";
import type { ConnectorDefinition } from "./definition.js";
import type { RunContext } from "./run-context.js";
import { untilStopped } from "./stop-signals.js";

/** Whether the configuration asks for a partial sync. */
export function wantsTargetedSync(c: Record<string, unknown>): boolean {
  return Array.isArray(c.syncResources) && c.syncResources.length > 0;
}

export function targetedSyncCommand(
  def: ConnectorDefinition,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<number> {
  return untilStopped((stopped) => targetedSync(def, ctx, stopped), {
    parent: signal,
    logger: ctx.logger,
    file: String(ctx.config.file),
    message: (received) =>
      `partial sync interrupted by ${received}: nothing was stored; --file is as it was`,
  });
}

async function targetedSync(
  def: ConnectorDefinition,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<number> {
  const c = ctx.config;
  if (c.connectorAddr) {
    throw new UsageError(
      "--sync-resources runs in this process's connector; it cannot be combined with --connector-addr",
    );
  }
  const targets = parseSyncTargets(c.syncResources as string[]);
  const file = String(c.file);
  const instance = await def.create(c, { logger: ctx.logger, scrubber: ctx.scrubber });
  try {
    const store = await C1zStore.open(file);
    const parentSyncId = store.latestFinishedSync(["full"])?.syncId ?? "";
    try {
      const result = await runTargetedSync(
        connectorClients(inProcessTransport(instance.connector, { provisioning: false })),
        store,
        {
          targets,
          parentSyncId,
          concurrency: Number(c.workers ?? 4),
          skipEntitlementsAndGrants: Boolean(c.skipEntitlementsAndGrants),
          ...(Array.isArray(c.syncResourceTypes)
            ? { resourceTypeIds: c.syncResourceTypes as string[] }
            : {}),
          signal,
          onRetry: (r) =>
            ctx.logger.warn(
              { call: r.call, target: r.target, attempt: r.attempt, waitMs: r.waitMs },
              `retrying ${r.call}: ${r.error.rawMessage}`,
            ),
          onWarning: (m) => ctx.logger.warn({}, m),
        },
      );
      await store.save({ signal });
      const n = result.counts;
      process.stdout.write(
        `Partial sync ${result.syncId} of ${targets.length} resource(s) into ${file}: ` +
          `resources ${n.resources}, entitlements ${n.entitlements}, grants ${n.grants}\n`,
      );
    } catch (e) {
      // A resumable full sync may wait in the working database; otherwise nothing is lost.
      if (store.origin === "resumed") store.abandon();
      else await store.discard();
      throw e;
    }
  } finally {
    await instance.close();
  }
  return 0;
}

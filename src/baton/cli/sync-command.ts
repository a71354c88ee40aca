/**
 * The default command: a one-shot sync into `--file`, of this process's connector (through an
 * in-memory transport) or of a remote one (`--connector-addr`). The previous file is replaced only
 * when the sync finishes; a failed or killed sync resumes on the next run. SIGTERM or SIGINT
 * stops it cleanly: no further calls, fetched pages stored with their checkpoint, one line
 * saying it will resume, exit 143 or 130.
 */
import { C1zError } from "../c1z/c1z-error.js";
import type { CountsByType } from "../c1z/row-queries.js";
import type { SyncStore } from "../c1z/store.js";
import { openSyncStore } from "../c1z/threaded-store.js";
import { UsageError } from "../errors.js";
import { SyncCallError } from "../sync/call-with-retry.js";
import { connectorClients } from "../sync/clients.js";
import { runSync, type SyncResult } from "../sync/syncer.js";
import { connectConnector } from "./connector-transport.js";
import type { ConnectorDefinition } from "./definition.js";
import { stderrLine } from "./live-line.js";
import { ProgressReporter } from "./progress.js";
import type { RunContext } from "./run-context.js";
import { untilStopped } from "./stop-signals.js";

/** Runs a sync and prints its summary; returns the exit code. */
export async function syncCommand(
  def: ConnectorDefinition,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<number> {
  // Pages fetched before a signal are stored with their checkpoint (runSync flushes them, the
  // store's abandon commits what the writer thread holds), so the next run resumes.
  return untilStopped((stopped) => syncUntilStopped(def, ctx, stopped), {
    parent: signal,
    logger: ctx.logger,
    file: String(ctx.config.file),
    message: (received) =>
      `sync interrupted by ${received}: what was fetched is stored; the next run with the same --file resumes where this one stopped`,
  });
}

async function syncUntilStopped(
  def: ConnectorDefinition,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<number> {
  const c = ctx.config;
  const file = String(c.file);
  const { transport, instance } = await connectConnector(def, ctx, { provisioning: false });
  if (signal.aborted) {
    await instance?.close();
    throw signal.reason;
  }
  const connector = instance?.connector;
  const live = process.stderr.isTTY && ctx.format === "console" ? stderrLine : undefined;
  const progress = new ProgressReporter({
    logger: ctx.logger,
    ...(live ? { live } : {}),
    ...(connector?.stats ? { stats: () => connector.stats?.() } : {}),
  });
  let result: SyncResult;
  let byType: CountsByType;
  let store: SyncStore | undefined;
  try {
    store = await openSyncStore(file).catch((e: unknown) => {
      throw e instanceof C1zError
        ? new C1zError(e.code, `--file (BATON_FILE): ${e.message}`, { cause: e })
        : e;
    });
    result = await runSync(connectorClients(transport), store, {
      concurrency: Number(c.workers ?? 4),
      checkpointIntervalMs: Number(c.checkpointIntervalMs ?? 1000),
      skipEntitlementsAndGrants: Boolean(c.skipEntitlementsAndGrants),
      ...(Array.isArray(c.syncResourceTypes)
        ? { resourceTypeIds: c.syncResourceTypes as string[] }
        : {}),
      signal,
      onRetry: (r) => {
        progress.retries++;
        ctx.logger.warn(
          {
            call: r.call,
            target: r.target,
            attempt: r.attempt,
            waitMs: r.waitMs,
            code: r.error.code,
          },
          `retrying ${r.call}: ${r.error.rawMessage}`,
        );
      },
      onWarning: (m) => ctx.logger.warn(m),
      onProgress: (p) => progress.update(p),
    });
    // Counted in the working database, before it is packed: reading the c1z back would unpack it.
    byType = store.countsByType(result.syncId);
    ctx.logger.info({ file, syncId: result.syncId }, "sync complete; saving the c1z");
    await store.save();
  } catch (e) {
    // A sync refused at Validate stored nothing: a working database this run created goes, one
    // left by an earlier run stays for its resume.
    if (
      store &&
      e instanceof SyncCallError &&
      e.call === "Validate" &&
      store.origin !== "resumed"
    ) {
      await store.discard();
    } else store?.abandon();
    throw e;
  } finally {
    progress.stop();
    await instance?.close();
  }
  if (result.warnings.length > 0)
    ctx.logger.warn({ warnings: result.warnings.length }, "sync finished with warnings");
  process.stdout.write(progress.summary(result, file, byType));
  return 0;
}

/** Refuses flags this connector accepts for compatibility but cannot honour. */
export function refuseUnsupported(c: Record<string, unknown>): void {
  if (c.ticketing)
    throw new UsageError("--ticketing: this connector has no ticketing support; remove the flag");
}

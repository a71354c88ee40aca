/**
 * Service mode from the command line: `--client-id` and `--client-secret` (BATON_CLIENT_ID,
 * BATON_CLIENT_SECRET) run the connector under ConductorOne instead of a one-shot sync, as
 * ConductorOne's own deployment page for the connector sets them. Everything is checked before
 * the first network call, so a wrong value ends in one line naming the setting (exit 2); a
 * refused credential or an unreachable ConductorOne ends in one line too (exit 1).
 */
import { statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { UsageError } from "../errors.js";
import {
  CLIENT_ID_SOURCE,
  CLIENT_SECRET_SOURCE,
  parseClientId,
  parseClientSecret,
} from "../service/c1-credentials.js";
import { runServiceHost, type ServiceHooks } from "../service/service-host.js";
import { parseSyncTargets } from "../sync/target-ids.js";
import { wantsAction } from "./action-command.js";
import type { ConnectorDefinition } from "./definition.js";
import { wantsProvisioning } from "./provision-command.js";
import type { RunContext } from "./run-context.js";

/** Whether the configuration selects service mode. */
export function wantsServiceMode(c: Record<string, unknown>): boolean {
  return Boolean(c.clientId || c.clientSecret);
}

/** Minted tokens and assertions the log scrubber keeps hiding (a token lives an hour or so). */
const MINTED_KEPT = 32;

/** `host` or `host:port`, as BATON_C1_API_HOST may give it. */
const HOST_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Runs service mode until stopped; returns the exit code. `hooks` observe polls and tasks (the
 * seam for metrics).
 */
export async function serviceCommand(
  def: ConnectorDefinition,
  ctx: RunContext,
  hooks?: ServiceHooks,
): Promise<number> {
  const c = ctx.config;
  const env = process.env;
  if (!c.clientId) {
    throw new UsageError(
      `${CLIENT_SECRET_SOURCE} is set but ${CLIENT_ID_SOURCE} is not: service mode needs both`,
    );
  }
  if (!c.clientSecret) {
    throw new UsageError(
      `${CLIENT_ID_SOURCE} is set but ${CLIENT_SECRET_SOURCE} is not: service mode needs both`,
    );
  }
  if (wantsProvisioning(c) || wantsAction(c)) {
    throw new UsageError(
      "one-shot provisioning and action flags (--grant-entitlement, --revoke-grant, --create-account-*, --delete-resource, --invoke-action, --list-action-schemas) do not apply in service mode: ConductorOne sends changes as tasks; remove them, or unset BATON_CLIENT_ID to run them one-shot",
    );
  }
  const clientId = parseClientId(String(c.clientId));
  const clientSecret = parseClientSecret(String(c.clientSecret));
  for (const s of clientSecret.secretForms) ctx.scrubber.add(s);

  const hostOverride = env.BATON_C1_API_HOST?.trim();
  if (hostOverride !== undefined && hostOverride !== "" && !HOST_PORT.test(hostOverride)) {
    throw new UsageError(
      `BATON_C1_API_HOST: expected HOST or HOST:PORT (no scheme or path), got "${hostOverride}"`,
    );
  }
  const apiHost = hostOverride || clientId.tokenHost;
  const tempDir = String(c.c1zTempDir ?? tmpdir());
  if (!isDirectory(tempDir)) {
    throw new UsageError(
      `--c1z-temp-dir (BATON_C1Z_TEMP_DIR): "${tempDir}" is not a directory; create it or point the flag at a writable one`,
    );
  }
  const targets = Array.isArray(c.syncResources)
    ? parseSyncTargets(c.syncResources as string[])
    : [];
  const hostId = env.BATON_HOST_ID?.trim() || safeHostname() || def.name;

  if (/^(1|true|yes)$/i.test(env.BATON_GET_TASKS?.trim() ?? "")) {
    ctx.logger.warn(
      {},
      "BATON_GET_TASKS: batched polling is not implemented; polling one task at a time with GetTask",
    );
  }
  const instance = await def.create(c, { logger: ctx.logger, scrubber: ctx.scrubber });
  const minted: string[] = [];
  try {
    await runServiceHost({
      connector: instance.connector,
      provisioning: Boolean(c.provisioning),
      clientId,
      clientSecret,
      apiHost,
      apiHostFromEnv: Boolean(hostOverride),
      hostId,
      build: { name: def.name, version: def.version },
      taskConcurrency: Number(c.taskConcurrency ?? 3),
      sync: {
        tempDir,
        workers: Number(c.workers ?? 4),
        checkpointIntervalMs: Number(c.checkpointIntervalMs ?? 1000),
        ...(Array.isArray(c.syncResourceTypes)
          ? { resourceTypeIds: c.syncResourceTypes as string[] }
          : {}),
        ...(targets.length > 0 ? { targets } : {}),
      },
      ...(c.healthCheck
        ? {
            health: {
              bind: String(c.healthCheckBindAddress ?? "127.0.0.1"),
              port: Number(c.healthCheckPort ?? 8081),
            },
          }
        : {}),
      logger: ctx.logger,
      onSecret: (s) => {
        ctx.scrubber.add(s);
        // A daemon mints a token (and an assertion) every hour: keep scrubbing the recent ones
        // only, long expired, so scrubbing every log line does not grow without bound.
        minted.push(s);
        if (minted.length > MINTED_KEPT) ctx.scrubber.remove(minted.shift() ?? "");
      },
      ...(hooks ? { hooks } : {}),
    });
  } finally {
    await instance.close();
  }
  return 0;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return "";
  }
}

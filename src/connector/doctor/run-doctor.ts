/**
 * Runs every `doctor` check against one tenant, in the order an operator fixes things: reachable,
 * credentials and scopes, the delegated user, which variant of each unconfirmed call the tenant
 * answers, the rate budget, the clock, and (on request) a write round trip. A check that cannot
 * run because an earlier one failed says so instead of piling up errors.
 */
import {
  type SeismicClientOptions,
  type SeismicLogger,
  TenantVariants,
} from "../../seismic/index.js";
import { clientFactory } from "../client-factory.js";
import type { SeismicConnectorConfig } from "../config.js";
import { ScopedClient } from "../scoped-client.js";
import { createSeismicConnector } from "../seismic-connector.js";
import { type CheckResult, skip } from "./check.js";
import { checkClock } from "./clock-check.js";
import { checkCredentials } from "./credentials-check.js";
import {
  ADMIN_TITLE,
  checkDelegatedAdmin,
  checkDelegatedUser,
  delegatedUserRefused,
  USER_TITLE,
} from "./delegated-user-check.js";
import { checkRateBudget, RATE_BUDGET_TITLE } from "./rate-budget-check.js";
import { checkReachability } from "./reachability-check.js";
import { checkReportingVariant, checkSyncVariants, checkUserActive } from "./variants-check.js";
import { checkWrites, type WriteCheckTarget } from "./write-check.js";

export interface DoctorOptions {
  logger: SeismicLogger;
  /** Client collaborators for tests (fast backoff). */
  client?: Omit<SeismicClientOptions, "logger">;
  /** The write round trip, when asked for. */
  writeCheck?: WriteCheckTarget;
  signal?: AbortSignal;
}

/** What `doctor` found; `ok` when a sync and provisioning will work. */
export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

const MEMBERSHIP_WRITES_TITLE = "Variant: membership writes";

/** The checks that cannot run without a token, by id and title. */
const NEEDS_A_TOKEN: readonly (readonly [string, string])[] = [
  ["delegated-user", USER_TITLE],
  ["delegated-admin", ADMIN_TITLE],
  ["variants", "Variants of the unconfirmed calls"],
  ["rate-budget", RATE_BUDGET_TITLE],
];

export async function runDoctor(
  config: SeismicConnectorConfig,
  options: DoctorOptions,
): Promise<DoctorReport> {
  const signal = options.signal ?? new AbortController().signal;
  const skipReporting = config.skipPlatformRoles === true;
  const clientFor = clientFactory(config, { ...options.client, logger: options.logger });
  const checks: CheckResult[] = [];
  const probeClient = clientFor([]);
  const reach = await checkReachability(probeClient).finally(() => probeClient.close());
  checks.push(...reach.results);

  const credentials = await checkCredentials(clientFor, skipReporting);
  checks.push(...credentials.results);
  if (!credentials.accepted) {
    if (credentials.refusal?.code === "invalid_grant") {
      checks.push(delegatedUserRefused(credentials.refusal));
    }
    const why = "not checked: needs a token (see the credentials check)";
    for (const [id, title] of NEEDS_A_TOKEN) {
      if (!checks.some((c) => c.id === id)) checks.push(skip(id, title, why));
    }
    checks.push(checkClock(reach.api));
    return report(checks);
  }

  const seismic = new ScopedClient(clientFor, options.logger, { reporting: !skipReporting });
  const variants = new TenantVariants(options.logger);
  try {
    checks.push(await checkDelegatedUser(seismic, config.delegationUserId, signal));
    const sync = await checkSyncVariants(seismic, variants, signal);
    const reporting = await checkReportingVariant(seismic, variants, skipReporting, signal);
    checks.push(checkDelegatedAdmin(reporting.tables, config.delegationUserId, reporting.why));
    checks.push(...sync, reporting.row, await checkUserActive(seismic, signal));
    if (options.writeCheck) {
      const connector = createSeismicConnector(config, {
        logger: options.logger,
        ...(options.client ? { client: options.client } : {}),
      });
      try {
        const writes = await checkWrites(connector, options.writeCheck, signal);
        const membership = writes[0];
        checks.push({
          ...(membership as CheckResult),
          id: "variant:membershipWrites",
          title: MEMBERSHIP_WRITES_TITLE,
          detail: `${config.membershipWrites ?? "per-user"}: ${membership?.detail ?? ""}`,
        });
        checks.push(...writes.slice(1));
      } finally {
        await connector.close();
      }
    } else {
      checks.push(
        skip(
          "variant:membershipWrites",
          MEMBERSHIP_WRITES_TITLE,
          "not checked without writing: run doctor --write-check --group G --user U on a test user",
        ),
      );
    }
    checks.push(checkRateBudget(seismic.current.responseFacts()));
    checks.push(checkClock(reach.api));
  } finally {
    await seismic.close();
  }
  return report(checks);
}

function report(checks: CheckResult[]): DoctorReport {
  return { ok: !checks.some((c) => c.status === "fail"), checks };
}

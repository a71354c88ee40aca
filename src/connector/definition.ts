/**
 * The ConnectorDefinition the Baton CLI harness runs: name, version, fields, the factory and the
 * connector's own `doctor` command. With `--demo` the factory starts the embedded simulated tenant
 * first and closes it afterwards.
 */
import type { ConnectorDefinition, ConnectorInstance } from "../baton/cli/definition.js";
import { UsageError } from "../baton/errors.js";
import { SeismicError, type SeismicStats } from "../seismic/index.js";
import { seismicFields } from "./config.js";
import { doctorCommand } from "./doctor/doctor-command.js";
import { dryRunHooks } from "./dry-run.js";
import { seismicMetrics } from "./metrics.js";
import { createSeismicConnector, HELP_URL } from "./seismic-connector.js";
import { tenantTarget } from "./tenant-config.js";

/** Kept equal to package.json's version (dist/ cannot reach package.json by a fixed path). */
export const VERSION = "0.1.0";

export const seismicDefinition: ConnectorDefinition = {
  name: "baton-seismic",
  version: VERSION,
  description:
    "Baton connector for Seismic: syncs users, groups, roles, platform roles and licences, and provisions group membership, roles and accounts.",
  helpUrl: HELP_URL,
  fields: seismicFields,
  async create(values, env): Promise<ConnectorInstance> {
    const target = await tenantTarget(values, env);
    const { logger, dryRun, metrics } = env;
    try {
      let stats: (() => SeismicStats) | undefined;
      const observer = metrics && seismicMetrics(metrics.registry, () => stats?.());
      const connector = createSeismicConnector(target.config, {
        logger,
        client: {
          ...(dryRun ? { dryRun: dryRunHooks(dryRun) } : {}),
          ...(observer ? { observer } : {}),
        },
      });
      stats = () => connector.stats();
      return {
        connector,
        close: async () => {
          await connector.close();
          await target.close();
        },
      };
    } catch (e) {
      await target.close();
      if (SeismicError.is(e, "invalid_config")) throw new UsageError(e.message);
      throw e;
    }
  },
  createForCapabilities() {
    // Capabilities come from which syncer members exist; nothing is called, so any values do.
    return createSeismicConnector({
      tenant: "capabilities",
      clientId: "capabilities",
      clientSecret: "capabilities",
      delegationUserId: "00000000-0000-0000-0000-000000000000",
      apiUrl: "https://api.seismic.com",
      authUrl: "https://auth.seismic.com",
      deleteMode: "deactivate",
      rateLimit: 600,
    });
  },
};

seismicDefinition.commands = [doctorCommand(seismicDefinition)];

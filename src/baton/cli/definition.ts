/**
 * What a connector hands to the Baton CLI harness: its name, its own configuration fields and a
 * factory. The harness owns everything else (flags, env, config files, logging, sync, serve,
 * provisioning, capabilities), so a connector's `main` stays a few lines long.
 */
import type { CommandModule } from "yargs";
import type { Connector } from "../connector.js";
import type { DryRunRecorder } from "../dry-run.js";
import type { BatonMetrics } from "../metrics/registry.js";
import type { Field } from "./fields.js";
import type { Logger, SecretScrubber } from "./logger.js";

/** A connector built from configuration, with whatever it must release afterwards. */
export interface ConnectorInstance {
  connector: Connector;
  close(): Promise<void>;
}

export interface ConnectorDefinition {
  /** Binary name, e.g. `baton-seismic`. */
  name: string;
  version: string;
  /** One-line description for `--help` and the `config` schema. */
  description: string;
  helpUrl?: string;
  /** The connector's own configuration fields (appended to the standard Baton fields). */
  fields: readonly Field[];
  /** Builds the connector from the resolved, validated configuration. */
  create(config: Readonly<Record<string, unknown>>, env: ConnectorEnv): Promise<ConnectorInstance>;
  /** A connector that needs no configuration, for `capabilities` (lists types and capabilities only). */
  createForCapabilities(): Connector;
  /** Extra subcommands (e.g. `simulate`); each declares its own argument types. */
  // biome-ignore lint/suspicious/noExplicitAny: yargs command modules are typed by their own arguments
  commands?: readonly CommandModule<any, any>[];
}

/** What the harness gives a connector factory. */
export interface ConnectorEnv {
  logger: Logger;
  /** Register secrets learnt at run time (tokens) so no log line can carry them. */
  scrubber: SecretScrubber;
  /**
   * `--dry-run`: the connector reads as usual, records its reads here, and stops at its first
   * write instead of making it (recording that write). Absent for every real run.
   */
  dryRun?: DryRunRecorder;
  /** The host's metrics (`--metrics-listen`): the connector may add its own series to them. */
  metrics?: BatonMetrics;
}

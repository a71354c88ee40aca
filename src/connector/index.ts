/**
 * Public surface of the Seismic connector: the factory, its configuration fields and the
 * ConnectorDefinition the Baton CLI harness runs (with `--demo`).
 */
export type { DeleteMode, SeismicConnectorConfig } from "./config.js";
export { seismicFields, toConnectorConfig } from "./config.js";
export { seismicDefinition } from "./definition.js";
export {
  createSeismicConnector,
  HELP_URL,
  type SeismicConnector,
  type SeismicConnectorOptions,
} from "./seismic-connector.js";

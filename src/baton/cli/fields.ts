/**
 * Configuration fields, declared once. Each field generates its yargs option, its `BATON_*`
 * environment variable, its place in the zod-validated configuration and its entry in the
 * `config` schema output, so flags, env, config files and docs cannot drift apart.
 */

/** The value kinds a field can hold. */
export type FieldKind = "string" | "boolean" | "integer" | "string-list";

/** Where a field shows up in `--help`. */
export type FieldGroup =
  | "Connector"
  | "Sync"
  | "Provisioning"
  | "Server"
  | "Service"
  | "Logging"
  | "General";

export interface Field {
  /** Flag name in kebab-case, e.g. `seismic-client-id`. */
  name: string;
  kind: FieldKind;
  description: string;
  group: FieldGroup;
  default?: string | boolean | number | readonly string[];
  /** Never logged or printed; redacted everywhere. */
  secret?: boolean;
  /** Needed for a real run (checked by the connector's own validation, so `--demo` can waive it). */
  required?: boolean;
  /** Hidden from `--help`, as the Baton SDK hides its one-shot operation flags. */
  hidden?: boolean;
  alias?: string;
  displayName?: string;
  placeholder?: string;
  choices?: readonly string[];
  /** Integer bounds, inclusive. */
  min?: number;
  max?: number;
  /** Part of the `config` schema (connector fields and ops fields), as the Go SDK exports them. */
  exported?: boolean;
}

/** `--seismic-client-id` → `BATON_SEISMIC_CLIENT_ID`. */
export function envName(name: string): string {
  return `BATON_${name.toUpperCase().replace(/-/g, "_")}`;
}

/** `seismic-client-id` → `seismicClientId`, the key in the resolved configuration. */
export function camelName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** How to name a field to a person: both ways they may have set it. */
export function describeSource(field: Field): string {
  return `--${field.name} (${envName(field.name)})`;
}

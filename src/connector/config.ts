/**
 * The connector's own configuration fields (flags, `BATON_SEISMIC_*` environment variables, config
 * file keys and the `config` schema are all generated from them), and the step that turns the
 * resolved values into a typed {@link SeismicConnectorConfig}. Names follow the ones ConductorOne
 * documents for its Seismic connector, so operators can switch without renaming anything.
 */
import type { Field } from "../baton/cli/fields.js";
import { describeSource } from "../baton/cli/fields.js";
import { UsageError } from "../baton/errors.js";

/** What deleting a user does: lock it (`PATCH active=false`, reversible) or remove it for good. */
export type DeleteMode = "deactivate" | "delete";

/**
 * How group membership is written: one user at a time (`POST`/`DELETE /Users/{u}/Groups/{g}`),
 * or, as an explicit opt-in for tenants without those routes, by rewriting the group's whole
 * member list (group-replace-writes.ts).
 */
export type MembershipWrites = "per-user" | "group-replace";

/** Where group members come from: SCIM's membership pages, or Reporting's `groupMembers` table. */
export type MembershipSource = "scim" | "reporting";

export const DEFAULT_API_URL = "https://api.seismic.com";
export const DEFAULT_AUTH_URL = "https://auth.seismic.com";
export const DEFAULT_RATE_LIMIT = 600;
export const DEFAULT_READ_AHEAD = 16;

const tenant: Field = {
  name: "seismic-tenant",
  kind: "string",
  group: "Connector",
  required: true,
  displayName: "Seismic Tenant",
  placeholder: "acme",
  description: "Seismic tenant name: the subdomain of https://{tenant}.seismic.com.",
  exported: true,
};
const clientId: Field = {
  name: "seismic-client-id",
  kind: "string",
  group: "Connector",
  required: true,
  displayName: "Seismic Client ID",
  description:
    "Client id of the Seismic app registration (client credentials with user delegation).",
  exported: true,
};
const clientSecret: Field = {
  name: "seismic-client-secret",
  kind: "string",
  group: "Connector",
  required: true,
  secret: true,
  displayName: "Seismic Client Secret",
  description: "Client secret of the Seismic app registration.",
  exported: true,
};
const delegationUserId: Field = {
  name: "seismic-delegation-user-id",
  kind: "string",
  group: "Connector",
  required: true,
  displayName: "Seismic Delegation User ID",
  placeholder: "00000000-0000-0000-0000-000000000000",
  description:
    "GUID of the Seismic user the app acts as (the delegated user chosen when the app was enabled).",
  exported: true,
};

/** The connector's fields, appended to the standard Baton fields by the CLI harness. */
export const seismicFields: readonly Field[] = [
  tenant,
  clientId,
  clientSecret,
  delegationUserId,
  {
    name: "seismic-api-url",
    kind: "string",
    group: "Connector",
    default: DEFAULT_API_URL,
    displayName: "Seismic API URL",
    description: "Base URL of the Seismic API (the sandbox host, a proxy or a simulator).",
    exported: true,
  },
  {
    name: "seismic-auth-url",
    kind: "string",
    group: "Connector",
    default: DEFAULT_AUTH_URL,
    displayName: "Seismic Auth URL",
    description: "Base URL of the Seismic token service.",
    exported: true,
  },
  {
    name: "seismic-scim-token",
    kind: "string",
    group: "Connector",
    secret: true,
    displayName: "Seismic SCIM Token",
    description:
      "Optional static bearer token for SCIM calls only (Reporting still uses the OAuth token).",
    exported: true,
  },
  {
    name: "seismic-delete-mode",
    kind: "string",
    group: "Connector",
    default: "deactivate",
    choices: ["deactivate", "delete"],
    displayName: "User delete mode",
    description:
      "What deleting a user does: deactivate (lock the account, reversible) or delete (permanent).",
    exported: true,
  },
  {
    name: "seismic-membership-writes",
    kind: "string",
    group: "Connector",
    default: "per-user",
    choices: ["per-user", "group-replace"],
    displayName: "Membership writes",
    description:
      "How group membership is changed: per-user (POST/DELETE /Users/{u}/Groups/{g}, the default) or group-replace (rewrite the group's whole member list; only for tenants without the per-user routes, see the README's warning).",
    exported: true,
  },
  {
    name: "seismic-skip-platform-roles",
    kind: "boolean",
    group: "Connector",
    default: false,
    displayName: "Skip platform roles",
    description:
      "Leave platform roles out on purpose: no platform_role type is reported and the seismic.reporting scope is not requested.",
    exported: true,
  },
  {
    name: "seismic-rate-limit",
    kind: "integer",
    group: "Connector",
    default: DEFAULT_RATE_LIMIT,
    min: 0,
    displayName: "Rate limit",
    description: "Client-side limit of Seismic API calls per rolling 60 s; 0 turns it off.",
    exported: true,
  },
  {
    name: "seismic-read-ahead",
    kind: "integer",
    group: "Connector",
    default: DEFAULT_READ_AHEAD,
    min: 0,
    max: 64,
    displayName: "Read-ahead",
    description:
      "Seismic pages fetched before the host asks for them: the next /Users pages of the user listing, and the first member page of the next groups. Keeps the rate limit's budget in use while the host writes; 0 turns it off.",
    exported: true,
  },
  {
    name: "seismic-membership-source",
    kind: "string",
    group: "Connector",
    default: "scim",
    choices: ["scim", "reporting"],
    displayName: "Group membership source",
    description:
      "Where group members are read from: scim (one call per 100 members of every group) or reporting (one Reporting call per sync, up to 24 h stale; groups changed since are still read from SCIM; needs the seismic.reporting scope).",
    exported: true,
  },
  {
    name: "demo",
    kind: "boolean",
    group: "Connector",
    default: false,
    description:
      "Start an embedded simulated Seismic tenant in this process and use it (no credentials needed).",
  },
];

/** The typed configuration {@link createSeismicConnector} takes. */
export interface SeismicConnectorConfig {
  tenant: string;
  clientId: string;
  clientSecret: string;
  delegationUserId: string;
  apiUrl: string;
  authUrl: string;
  scimToken?: string;
  deleteMode: DeleteMode;
  /** Calls per rolling 60 s; 0 = no client-side limit. */
  rateLimit: number;
  /** Default `per-user`. */
  membershipWrites?: MembershipWrites;
  /** True: no platform_role type, and no seismic.reporting scope requested. Default false. */
  skipPlatformRoles?: boolean;
  /** Where group members come from. Default `scim`. */
  membershipSource?: MembershipSource;
  /** Pages fetched ahead of the host (`--seismic-read-ahead`). Default {@link DEFAULT_READ_AHEAD}. */
  readAhead?: number;
  /**
   * Whether the syncs ask for grants (false for a one-shot `--skip-entitlements-and-grants`):
   * member pages are read ahead during the resource listing only when they do. Default true.
   */
  readsGrants?: boolean;
}

const REQUIRED = [
  ["seismicTenant", tenant],
  ["seismicClientId", clientId],
  ["seismicClientSecret", clientSecret],
  ["seismicDelegationUserId", delegationUserId],
] as const;

function text(values: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = values[key];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * Turns resolved configuration values (camelCase keys, e.g. `seismicTenant`) into a
 * {@link SeismicConnectorConfig}. `--demo` is handled by the caller before this runs.
 *
 * @throws UsageError naming every missing flag and its environment variable, e.g.
 *   `missing --seismic-tenant (BATON_SEISMIC_TENANT), …; or use --demo`.
 */
export function toConnectorConfig(
  values: Readonly<Record<string, unknown>>,
): SeismicConnectorConfig {
  const missing = REQUIRED.filter(([key]) => text(values, key) === undefined).map(([, f]) =>
    describeSource(f),
  );
  if (missing.length > 0) {
    throw new UsageError(
      `missing ${missing.join(", ")}; set them to connect to Seismic, or use --demo to try the connector against an embedded simulated tenant`,
    );
  }
  const mode = values.seismicDeleteMode ?? "deactivate";
  if (mode !== "deactivate" && mode !== "delete") {
    throw new UsageError(
      `--seismic-delete-mode (BATON_SEISMIC_DELETE_MODE): expected deactivate or delete, got "${String(mode)}"`,
    );
  }
  const rate = values.seismicRateLimit ?? DEFAULT_RATE_LIMIT;
  if (typeof rate !== "number" || !Number.isInteger(rate) || rate < 0) {
    throw new UsageError(
      `--seismic-rate-limit (BATON_SEISMIC_RATE_LIMIT): expected a whole number >= 0, got "${String(rate)}"`,
    );
  }
  const writes = values.seismicMembershipWrites ?? "per-user";
  if (writes !== "per-user" && writes !== "group-replace") {
    throw new UsageError(
      `--seismic-membership-writes (BATON_SEISMIC_MEMBERSHIP_WRITES): expected per-user or group-replace, got "${String(writes)}"`,
    );
  }
  const source = values.seismicMembershipSource ?? "scim";
  if (source !== "scim" && source !== "reporting") {
    throw new UsageError(
      `--seismic-membership-source (BATON_SEISMIC_MEMBERSHIP_SOURCE): expected scim or reporting, got "${String(source)}"`,
    );
  }
  const scimToken = text(values, "seismicScimToken");
  const readAhead = values.seismicReadAhead ?? DEFAULT_READ_AHEAD;
  if (typeof readAhead !== "number" || !Number.isInteger(readAhead) || readAhead < 0) {
    throw new UsageError(
      `--seismic-read-ahead (BATON_SEISMIC_READ_AHEAD): expected a whole number >= 0, got "${String(readAhead)}"`,
    );
  }
  const apiUrl = baseUrl(values, "seismic-api-url", DEFAULT_API_URL);
  const authUrl = baseUrl(values, "seismic-auth-url", DEFAULT_AUTH_URL);
  return {
    tenant: text(values, "seismicTenant") as string,
    clientId: text(values, "seismicClientId") as string,
    clientSecret: text(values, "seismicClientSecret") as string,
    delegationUserId: text(values, "seismicDelegationUserId") as string,
    apiUrl,
    authUrl,
    ...(scimToken === undefined ? {} : { scimToken }),
    deleteMode: mode,
    rateLimit: rate,
    membershipWrites: writes,
    skipPlatformRoles: values.seismicSkipPlatformRoles === true,
    membershipSource: source,
    readAhead,
    ...(values.skipEntitlementsAndGrants === true ? { readsGrants: false } : {}),
  };
}

/**
 * A base URL flag's value, checked here where the flag's name is known: the Seismic client's own
 * check can only say `apiUrl "api.seismic" is not a URL`.
 */
function baseUrl(
  values: Readonly<Record<string, unknown>>,
  flag: string,
  fallback: string,
): string {
  const field = seismicFields.find((f) => f.name === flag);
  const value = text(
    values,
    flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
  );
  if (value === undefined || field === undefined) return fallback;
  const fix = `give the full base URL with its scheme, e.g. ${fallback}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${describeSource(field)}: "${value}" is not a URL; ${fix}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UsageError(`${describeSource(field)}: "${value}" is not an http(s) URL; ${fix}`);
  if (url.username || url.password || url.search || url.hash)
    throw new UsageError(
      `${describeSource(field)}: "${url.origin}${url.pathname}" must carry no credentials, query or fragment; ${fix}`,
    );
  return value;
}

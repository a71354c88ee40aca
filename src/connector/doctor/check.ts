/**
 * What a `doctor` check reports: one row per concern, with a status, what was found, and for a
 * problem the fix. `fail` means a sync or provisioning will not work (doctor exits 1); `warn` is
 * worth knowing but does not stop either; `skip` means the check could not run (and says why).
 */
import { SeismicError } from "../../seismic/index.js";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  /** Stable id, e.g. `scope:seismic.reporting`. */
  id: string;
  /** What is checked, for people. */
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a `fail` or `warn`. */
  fix?: string;
}

export const ok = (id: string, title: string, detail: string): CheckResult => ({
  id,
  title,
  status: "ok",
  detail,
});

export const skip = (id: string, title: string, detail: string): CheckResult => ({
  id,
  title,
  status: "skip",
  detail,
});

export const problem = (
  status: "warn" | "fail",
  id: string,
  title: string,
  detail: string,
  fix: string,
): CheckResult => ({ id, title, status, detail, fix });

/** The fix for a Seismic failure, by what kind of failure it is. */
export function fixFor(error: unknown): string {
  if (!(error instanceof SeismicError)) return "see the detail; rerun with --log-level debug";
  switch (error.code) {
    case "invalid_client":
    case "unknown_tenant":
      return "check --seismic-tenant, --seismic-client-id and --seismic-client-secret (a new secret takes 5-10 minutes to activate)";
    case "invalid_grant":
      return "unlock the delegated user in Seismic (Settings → Users & Groups), or pick the delegated user again under Manage Apps and set --seismic-delegation-user-id to its GUID";
    case "invalid_scope":
      return `add ${error.scope ?? "the scope"} to the app registration (this issues a new client id and secret) and enable the new version`;
    case "permission_denied":
      return `grant ${error.scope ?? "the scope"} to the app, and make the delegated user a System Administrator`;
    case "network":
      return /--seismic-auth-url/.test(error.message)
        ? "check --seismic-auth-url and the network"
        : "check --seismic-api-url and the network";
    case "rate_limited":
      return "another integration may be spending the tenant's 600 calls a minute; try again in a minute";
    default:
      return "see the detail; rerun with --log-level debug";
  }
}

/** One line of an error, for a detail column. */
export function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

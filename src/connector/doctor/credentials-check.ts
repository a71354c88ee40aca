/**
 * Does the token service issue a token for these credentials and this delegated user, and which
 * scopes does the app registration grant? Seismic refuses a whole token when one requested scope
 * is not registered (`invalid_scope`), so each scope is asked for on its own: three small token
 * requests say exactly which are missing.
 */
import { SCOPES, type SeismicClient, SeismicError } from "../../seismic/index.js";
import { type CheckResult, detailOf, fixFor, ok, problem, skip } from "./check.js";

/** What each scope is for, and whether its absence stops a sync or provisioning. */
const SCOPE_USES = [
  { scope: SCOPES.userView, use: "reading users, groups and memberships" },
  { scope: SCOPES.userManage, use: "provisioning: grants, revokes, accounts" },
  { scope: SCOPES.reporting, use: "platform roles from the Reporting API" },
] as const;

export interface CredentialFindings {
  results: CheckResult[];
  /** A token was issued for at least one scope. */
  accepted: boolean;
  /** Scopes the app registration grants. */
  granted: Set<string>;
  /** The refusal, when the credentials themselves were refused. */
  refusal: SeismicError | undefined;
}

/**
 * @param clientFor builds a client that requests exactly the given scopes.
 * @param skipReporting platform roles are left out on purpose: the Reporting scope is not needed.
 */
export async function checkCredentials(
  clientFor: (scopes: readonly string[]) => SeismicClient,
  skipReporting: boolean,
): Promise<CredentialFindings> {
  const granted = new Set<string>();
  const scopeRows: CheckResult[] = [];
  let refusal: SeismicError | undefined;
  let accepted = false;
  for (const { scope, use } of SCOPE_USES) {
    const id = `scope:${scope}`;
    const title = `Scope ${scope}`;
    if (scope === SCOPES.reporting && skipReporting) {
      scopeRows.push(
        skip(id, title, "not needed: platform roles are left out (--seismic-skip-platform-roles)"),
      );
      continue;
    }
    const client = clientFor([scope]);
    try {
      await client.authenticate();
      accepted = true;
      granted.add(scope);
      scopeRows.push(ok(id, title, `granted (${use})`));
    } catch (e) {
      if (SeismicError.is(e, "invalid_scope")) {
        scopeRows.push(
          problem(
            "fail",
            id,
            title,
            `not granted to the app: ${use} will fail`,
            fixFor(new SeismicError("invalid_scope", "", { scope })),
          ),
        );
      } else {
        refusal ??= SeismicError.is(e) ? e : undefined;
        scopeRows.push(skip(id, title, "not checked: the token service refused the credentials"));
      }
    } finally {
      await client.close();
    }
  }
  const title = "Credentials accepted";
  const credentials = accepted
    ? ok(
        "credentials",
        title,
        "the token service issued a delegation token for this client, tenant and delegated user",
      )
    : problem(
        "fail",
        "credentials",
        title,
        refusal ? detailOf(refusal) : "no token was issued for any scope",
        fixFor(refusal),
      );
  return { results: [credentials, ...scopeRows], accepted, granted, refusal };
}

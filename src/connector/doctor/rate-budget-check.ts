/**
 * The rate budget left, as Seismic's own headers say (`X-Seismic-Remaining-Calls` and
 * `X-Seismic-Total-Calls` on the latest answer). Seismic allows 600 calls per rolling minute and
 * does not say whether other integrations share them; little left means a slow sync.
 */
import type { ResponseFactsSnapshot } from "../../seismic/index.js";
import { type CheckResult, ok, problem, skip } from "./check.js";

const ID = "rate-budget";
export const RATE_BUDGET_TITLE = "Rate budget left (X-Seismic-Remaining-Calls)";

export function checkRateBudget(facts: ResponseFactsSnapshot): CheckResult {
  const { remainingCalls: remaining, usedCalls: used } = facts;
  if (remaining === undefined)
    return skip(ID, RATE_BUDGET_TITLE, "Seismic sent no X-Seismic-Remaining-Calls header");
  const limit = used === undefined ? undefined : remaining + used;
  const detail = `${remaining}${limit === undefined ? "" : ` of ${limit}`} calls left in the rolling window`;
  if (limit !== undefined && remaining < limit / 10) {
    return problem(
      "warn",
      ID,
      RATE_BUDGET_TITLE,
      `${detail}: something else is spending this tenant's budget`,
      "find the other integration using the API, or expect the sync to wait for the window (it honours Seismic's 429s)",
    );
  }
  return ok(ID, RATE_BUDGET_TITLE, detail);
}

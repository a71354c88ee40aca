/**
 * Our clock against Seismic's (the API's `Date` header, one-second resolution). A large offset
 * breaks TLS certificate checks and makes logs and token lifetimes hard to read across systems.
 */
import type { ProbeResult } from "../../seismic/index.js";
import { type CheckResult, ok, problem, skip } from "./check.js";

const ID = "clock-offset";
const TITLE = "Clock offset from Seismic";
const WARN_MS = 60_000;
const FAIL_MS = 5 * 60_000;

export function checkClock(api: ProbeResult | undefined): CheckResult {
  if (api?.serverTimeMs === undefined) return skip(ID, TITLE, "the API sent no Date header");
  // The header is truncated to the second: up to 1 s of the offset is the header's, not ours.
  const offsetMs = api.receivedAtMs - api.serverTimeMs;
  const seconds = Math.round(offsetMs / 1000);
  const detail =
    Math.abs(offsetMs) < 1500
      ? "local clock agrees with Seismic's to within a second"
      : `local clock is ${Math.abs(seconds)} s ${seconds >= 0 ? "ahead of" : "behind"} Seismic's`;
  if (Math.abs(offsetMs) >= FAIL_MS) {
    return problem("fail", ID, TITLE, detail, "synchronise this machine's clock (NTP)");
  }
  if (Math.abs(offsetMs) >= WARN_MS) {
    return problem("warn", ID, TITLE, detail, "synchronise this machine's clock (NTP)");
  }
  return ok(ID, TITLE, detail);
}

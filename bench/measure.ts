// Runs the real one-shot sync (the built binary) as a child process against a simulator and
// measures it: wall time, peak RSS of the connector process (VmHWM, sampled from /proc), the
// API calls the simulator served per endpoint, 429s, and the c1z size; and says what the data
// needs: the fewest calls of the sync's strategy, and the rate limit's floor for the calls made.
// `runMeasured` times any other run of the binary the same way (the c1z views benchmark).
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Simulator } from "../src/simulator/index.js";
import type { Scenario } from "./scenarios.js";

export const bin = fileURLToPath(new URL("../src/main.js", import.meta.url));

export interface RunFigures {
  wallS: number;
  peakRssMb: number;
  summary: string;
  c1zBytes: number;
  /** Why the client retried, from its warnings: reason (`HTTP 503`, `ECONNRESET`, …) → count. */
  retryReasons: Record<string, number>;
}

function vmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Syncs the simulator into `file` with the built binary; rejects if the sync fails. */
export async function runSync(sim: Simulator, file: string, s: Scenario): Promise<RunFigures> {
  const args = [
    bin,
    `--file=${file}`,
    ...(s.workers === undefined ? [] : [`--workers=${s.workers}`]),
    ...(s.membershipSource ? [`--seismic-membership-source=${s.membershipSource}`] : []),
    `--seismic-tenant=${sim.tenant}`,
    `--seismic-client-id=${sim.clientId}`,
    `--seismic-client-secret=${sim.clientSecret}`,
    `--seismic-delegation-user-id=${sim.delegationUserId}`,
    `--seismic-api-url=${sim.apiUrl}`,
    `--seismic-auth-url=${sim.authUrl}`,
    // Unthrottled scenarios measure the connector, not Seismic's limit: the client limiter is off.
    `--seismic-rate-limit=${s.throttled ? 600 : 0}`,
    "--log-level=warn",
    "--log-format=json",
  ];
  const { wallS, peakRssMb, code, stdout, stderr } = await measureChild(args);
  if (code !== 0) throw new Error(`sync failed (exit ${code}):\n${stderr.slice(-3000)}`);
  return {
    wallS,
    peakRssMb,
    summary: stdout,
    c1zBytes: statSync(file).size,
    retryReasons: retryReasons(stderr),
  };
}

/** What {@link measureChild} saw of one child process. */
export interface ChildFigures {
  wallS: number;
  peakRssMb: number;
  code: number | null;
  /** Bytes and lines written to stdout (kept in `stdout` only when asked: a view can print 400 MB). */
  stdoutBytes: number;
  lines: number;
  stdout: string;
  stderr: string;
}

/** Runs `node args…` and samples its peak RSS (VmHWM) every 25 ms until it exits. */
export async function measureChild(
  args: readonly string[],
  keepStdout = true,
): Promise<ChildFigures> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let peakKb = 0;
  const sampler = setInterval(() => {
    const kb = child.pid ? vmHwmKb(child.pid) : undefined;
    if (kb !== undefined) peakKb = Math.max(peakKb, kb);
  }, 25);
  let stdout = "";
  let stdoutBytes = 0;
  let lines = 0;
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdoutBytes += d.length;
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    if (keepStdout) stdout += d;
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(sampler);
  return {
    wallS: (performance.now() - started) / 1000,
    peakRssMb: peakKb / 1024,
    code,
    stdoutBytes,
    lines,
    stdout,
    stderr,
  };
}

/** Counts the `reason` of the client's "retrying …" / "rate limit hit" warnings (JSON logs). */
function retryReasons(stderr: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const { reason } = JSON.parse(line) as { reason?: unknown };
      if (typeof reason === "string") out[reason] = (out[reason] ?? 0) + 1;
    } catch {
      // Not a log line.
    }
  }
  return out;
}

/** The simulator's call key of the token endpoint (the auth origin is not rate limited). */
export const TOKEN_CALL = "POST /tenants/{tenant}/connect/token";

/**
 * Calls a checked listing of `n` items costs at 100 per page: a full last page is followed by one
 * (empty) page that confirms the end, since `totalResults` alone proves nothing (the listing
 * checks of src/seismic/listing-integrity.ts); an empty listing is one page.
 */
export function checkedPages(n: number): number {
  return n === 0 ? 1 : Math.ceil(n / 100) + (n % 100 === 0 ? 1 : 0);
}

/**
 * The fewest API calls the sync's strategy needs: Validate's probe, the user and group listings,
 * the two Reporting tables and the tokens minted, plus the members: each group's checked member
 * listing from SCIM, or one Reporting call (groups changed in the last 24 h are still read from
 * SCIM; none are in a freshly seeded tenant).
 */
export function minimumCalls(sim: Simulator, s: Scenario): number {
  const st = sim.state;
  let membershipPages = 0;
  for (const g of st.groups()) {
    membershipPages += checkedPages(
      st.groupMemberIds(String((g as { id: unknown }).id))?.length ?? 0,
    );
  }
  const members = s.membershipSource === "reporting" ? 1 : membershipPages;
  return (
    1 +
    checkedPages(st.userCount()) +
    checkedPages(st.groupCount()) +
    members +
    2 +
    st.tokensIssued()
  );
}

/**
 * The shortest possible wall time under a rolling-window limit for `calls` calls when `budget`
 * of every window is ours: the first `budget` calls go at once, every further `budget` cost a
 * window, so the last call cannot go before `window × ⌊(calls − 1) / budget⌋`.
 */
export function floorSeconds(calls: number, budget: number, windowMs: number): number {
  return calls <= 0 ? 0 : (windowMs / 1000) * Math.floor((calls - 1) / budget);
}

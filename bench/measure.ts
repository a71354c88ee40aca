// Runs the real one-shot sync (the built binary) as a child process against a simulator and
// measures it: wall time, peak RSS of the connector process (VmHWM, sampled from /proc), the
// API calls the simulator served per endpoint, 429s, and the c1z size. `runMeasured` times any
// other run of the binary the same way (the c1z views benchmark).
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Simulator } from "../src/simulator/index.js";

export const bin = fileURLToPath(new URL("../src/main.js", import.meta.url));

export interface RunFigures {
  wallS: number;
  peakRssMb: number;
  summary: string;
  c1zBytes: number;
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
export async function runSync(
  sim: Simulator,
  file: string,
  workers: number,
  throttled: boolean,
): Promise<RunFigures> {
  const args = [
    bin,
    `--file=${file}`,
    `--workers=${workers}`,
    `--seismic-tenant=${sim.tenant}`,
    `--seismic-client-id=${sim.clientId}`,
    `--seismic-client-secret=${sim.clientSecret}`,
    `--seismic-delegation-user-id=${sim.delegationUserId}`,
    `--seismic-api-url=${sim.apiUrl}`,
    `--seismic-auth-url=${sim.authUrl}`,
    // Unthrottled scenarios measure the connector, not Seismic's limit: the client limiter is off.
    `--seismic-rate-limit=${throttled ? 600 : 0}`,
    "--log-level=warn",
    "--log-format=json",
  ];
  const { wallS, peakRssMb, code, stdout, stderr } = await measureChild(args);
  if (code !== 0) throw new Error(`sync failed (exit ${code}):\n${stderr.slice(-3000)}`);
  return { wallS, peakRssMb, summary: stdout, c1zBytes: statSync(file).size };
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

/**
 * The fewest API calls the data needs: user pages + group pages + one membership page per 100
 * members of each group (at least one per group) + the two Reporting calls + tokens minted.
 */
export function minimumCalls(sim: Simulator): number {
  const s = sim.state;
  let membershipPages = 0;
  for (const g of s.groups()) {
    const members = s.groupMemberIds(String((g as { id: unknown }).id))?.length ?? 0;
    membershipPages += Math.max(1, Math.ceil(members / 100));
  }
  return (
    Math.ceil(s.userCount() / 100) +
    Math.ceil(s.groupCount() / 100) +
    membershipPages +
    2 +
    s.tokensIssued()
  );
}

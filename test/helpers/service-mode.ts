// Running the built binary in service mode against the fake ConductorOne and a simulated Seismic
// tenant: start it, wait for log records, stop it, and read what it logged.
import type { Simulator } from "../../src/simulator/index.js";
import type { FakeC1 } from "./fake-c1/index.js";
import { type RunResult, seismicBin, start } from "./run-bin.js";
import { connectorFlags, logRecords, targetOf } from "./seismic-e2e.js";

export interface ServiceProcess {
  output: () => { stdout: string; stderr: string };
  done: Promise<RunResult>;
  /** Sends a signal (default SIGTERM) and resolves with the exit result. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
  /** The JSON log records so far. */
  records(): ReturnType<typeof logRecords>;
  /** Resolves with the first log record whose message matches. */
  waitForLog(msg: RegExp, what?: string, limitMs?: number): Promise<Record<string, unknown>>;
}

/** Starts `baton-seismic [args] <connector flags>` in service mode against `fake` and `sim`. */
export function startService(
  fake: FakeC1,
  sim: Simulator,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): ServiceProcess {
  const p = start(seismicBin, [...args, ...connectorFlags(targetOf(sim))], {
    BATON_LOG_FORMAT: "json",
    BATON_LOG_LEVEL: "info",
    ...fake.env(),
    ...env,
  });
  const records = () => logRecords(p.output().stderr);
  return {
    output: p.output,
    done: p.done,
    stop: (signal = "SIGTERM") => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
      return p.done;
    },
    records,
    waitForLog: async (msg, what = String(msg), limitMs = 20_000) => {
      const started = Date.now();
      for (;;) {
        const r = records().find((rec) => msg.test(rec.msg));
        if (r) return r;
        if (p.child.exitCode !== null || Date.now() - started > limitMs) {
          throw new Error(
            `no log record ${what}; exit ${p.child.exitCode}; stderr:\n${p.output().stderr.slice(-3000)}`,
          );
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    },
  };
}

/**
 * `--dry-run` for the Seismic connector: the client's dry-run mode (reads sent, first write
 * stopped) feeding the Baton runtime's plan recorder, so the CLI can print what was read and the
 * one write a real run would make.
 */
import type { DryRunRecorder } from "../baton/dry-run.js";
import type { DryRunHooks } from "../seismic/index.js";

export function dryRunHooks(recorder: DryRunRecorder): DryRunHooks {
  return {
    read: (r) =>
      recorder.read({ method: "GET", target: r.path, outcome: `${r.status} (${r.summary})` }),
    write: (w) =>
      recorder.stopAt({
        method: w.method,
        target: w.path,
        ...(w.body === undefined ? {} : { body: w.body }),
      }),
  };
}

// The CLI's signal handling, in child processes of the built module: every command ends with
// 128 + n on SIGTERM/SIGINT (also as PID 1, where an unhandled signal is ignored), unless it
// handles the signal itself; a clean stop aborts on the first signal and exits on the second.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root } from "./helpers/run-bin.js";

const module = `${root}dist/src/baton/cli/stop-signals.js`;

/** Runs `body` (an ES module using `m`, the stop-signals module) and signals it once ready. */
function runWith(body: string, signals: NodeJS.Signals[]) {
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", `const m = await import(${JSON.stringify(module)});\n${body}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes("ready\n") && signals.length > 0) {
      const next = signals.shift();
      if (next) child.kill(next);
    }
  });
  return new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout })),
  );
}

describe("stop signals", () => {
  it("ends a command without handlers with 128 + n", async () => {
    const body = 'm.installDefaultStop(); setInterval(() => {}, 1000); console.log("ready");';
    expect((await runWith(body, ["SIGTERM"])).code).toBe(143);
    expect((await runWith(body, ["SIGINT"])).code).toBe(130);
  });

  it("leaves a command that handles the signal alone", async () => {
    const body = `m.installDefaultStop();
      const t = setInterval(() => {}, 1000);
      process.once("SIGTERM", () => { console.log("own handler"); clearInterval(t); });
      console.log("ready");`;
    const r = await runWith(body, ["SIGTERM"]);
    expect(r).toEqual({ code: 0, stdout: "ready\nown handler\n" });
  });

  it("aborts on the first signal and exits on the second", async () => {
    const body = `m.installDefaultStop();
      const stop = m.stopOnSignals();
      setInterval(() => {}, 1000);
      stop.signal.addEventListener("abort", () => {
        console.log("aborted: " + stop.signal.reason.message + " " + stop.received());
        console.log("ready");
      });
      console.log("ready");`;
    const r = await runWith(body, ["SIGINT", "SIGTERM"]);
    expect(r).toEqual({
      code: 143,
      stdout: "ready\naborted: interrupted by SIGINT SIGINT\nready\n",
    });
  });
});

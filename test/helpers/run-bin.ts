// Runs a compiled entry point of this project as a child process, as a user would run the binary.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const seismicBin = `${root}dist/src/main.js`;
export const fixtureBin = `${root}dist/src/baton/testing/fixture-main.js`;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node bin args` with extra env; returns the child and a promise of its result. */
export function start(
  bin: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = root,
) {
  return startCommand(process.execPath, [bin, ...args], env, cwd);
}

/** Starts any `command args` (e.g. `npx …`, `unshare … node …`) like {@link start}. */
export function startCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = root,
) {
  const child: ChildProcess = spawn(command, [...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<RunResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Runs to completion. */
export function run(
  bin: string,
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = root,
): Promise<RunResult> {
  return start(bin, args, env, cwd).done;
}

/** Resolves once `predicate` holds on the child's output (polls; no timing assertions). */
export async function waitFor(
  output: () => { stdout: string; stderr: string },
  predicate: (o: { stdout: string; stderr: string }) => boolean,
  what: string,
  limitMs = 30_000,
): Promise<void> {
  const started = Date.now();
  while (!predicate(output())) {
    if (Date.now() - started > limitMs)
      throw new Error(
        `timed out waiting for ${what}; output so far:\n${JSON.stringify(output()).slice(-2000)}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

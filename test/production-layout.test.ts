// SLOW (about 10-60 s; installs from npm's cache only, --offline, which `npm ci` just filled, so
// the test stays hermetic): assembles the
// container's production layout in a temp dir, as the Dockerfile's runtime stage does (package.json,
// package-lock.json, dist/ and `npm ci --omit=dev`), then runs the binary from there with Node 24:
// a `--demo` sync, and `serve --demo` probed by `health` and stopped by SIGTERM. A runtime import
// of a package that is only a devDependency fails here rather than in a cluster.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { c1zRows } from "./helpers/c1z-rows.js";
import { root, run, start, waitFor } from "./helpers/run-bin.js";

const INSTALL_TIMEOUT_MS = 150_000;

/** Runs npm in `cwd`; resolves with its exit code and output. */
function npm(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("production layout (npm ci --omit=dev + dist/, as in the Dockerfile)", () => {
  let app: string;
  let bin: string;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), "baton-seismic-app-"));
    for (const f of ["package.json", "package-lock.json", ".npmrc"]) {
      if (existsSync(join(root, f))) cpSync(join(root, f), join(app, f));
    }
    cpSync(join(root, "dist"), join(app, "dist"), { recursive: true });
    // --ignore-scripts: `prepare` builds with tsc, a devDependency; dist/ is already built.
    const flags = ["--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--offline"];
    let installed = await npm(["ci", ...flags], app);
    // Some npm 11 releases write lock files without other platforms' optional packages and then
    // refuse them in `npm ci` ("Missing: … from lock file", npm/cli#8320). `npm install` installs
    // the same locked versions, so the check this file exists for (no runtime package is only a
    // devDependency) still holds; .ci/run's own `npm ci` reports the lock file problem.
    if (installed.code !== 0 && installed.output.includes("from lock file"))
      installed = await npm(["install", "--no-save", ...flags], app);
    if (installed.code !== 0)
      throw new Error(`production install failed:\n${installed.output.slice(-3000)}`);
    bin = join(app, "dist/src/main.js");
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it("holds no devDependency", () => {
    for (const dev of ["typescript", "vitest", "@biomejs/biome", "@grpc/grpc-js", "node"]) {
      expect(existsSync(join(app, "node_modules", dev)), dev).toBe(false);
    }
  });

  it("syncs the demo tenant into a c1z with rows", async () => {
    const file = join(app, "demo.c1z");
    const r = await run(bin, ["--demo", "--file", file], { BATON_LOG_LEVEL: "warn" }, app);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rows = c1zRows(file);
    expect(rows.resources.size).toBeGreaterThan(100);
    expect(rows.grants.size).toBeGreaterThan(100);
  });

  it("serves the demo tenant, answers `health` with SERVING, and stops on SIGTERM", async () => {
    const server = start(
      bin,
      ["serve", "--demo", "--listen", "127.0.0.1:0"],
      { BATON_LOG_LEVEL: "warn" },
      app,
    );
    try {
      await waitFor(
        server.output,
        (o) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(o.stdout),
        "serve to listen",
      );
      const port = /127\.0\.0\.1:(\d+)/.exec(server.output().stdout)?.[1];
      // NOT_SERVING until start-up validation finished; a probe is expected to be retried.
      let probe = await run(bin, ["health", "--addr", `127.0.0.1:${port}`], {}, app);
      for (let i = 0; i < 50 && probe.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        probe = await run(bin, ["health", "--addr", `127.0.0.1:${port}`], {}, app);
      }
      expect(probe).toMatchObject({ code: 0, stdout: "SERVING\n", stderr: "" });
    } finally {
      server.child.kill("SIGTERM");
    }
    const stopped = await server.done;
    expect(stopped.code).toBe(0);
  });
});

// End-to-end syncs through the real CLI harness (the fixture connector's binary): a remote sync
// over gRPC equals the in-process one row for row, a killed sync resumes without re-asking for
// stored pages, and a crash never touches the previous output file.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { c1zRows, rowsAsObject } from "./helpers/c1z-rows.js";
import { fixtureBin, run, start, waitFor } from "./helpers/run-bin.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sync-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { BATON_LOG_LEVEL: "warn" };

describe("sync through the CLI", () => {
  it("a remote sync over --connector-addr stores exactly the rows of an in-process sync", async () => {
    const local = join(dir, "local.c1z");
    const remote = join(dir, "remote.c1z");
    const inProcess = await run(fixtureBin, ["--file", local], quiet);
    expect(inProcess.stderr).toBe("");
    expect(inProcess.code).toBe(0);

    const server = start(fixtureBin, ["serve", "--listen", "127.0.0.1:0"], quiet);
    try {
      await waitFor(
        server.output,
        (o) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(o.stdout),
        "the server to listen",
      );
      const port = /127\.0\.0\.1:(\d+)/.exec(server.output().stdout)?.[1];
      const synced = await run(
        fixtureBin,
        ["--connector-addr", `127.0.0.1:${port}`, "--file", remote],
        quiet,
      );
      expect(synced.stderr).toBe("");
      expect(synced.code).toBe(0);
    } finally {
      server.child.kill("SIGTERM");
      const stopped = await server.done;
      expect(stopped.code).toBe(0);
    }
    const a = c1zRows(local);
    const b = c1zRows(remote);
    expect(a.grants.size).toBeGreaterThan(5);
    expect(rowsAsObject(b)).toEqual(rowsAsObject(a));
  });

  it("resumes a killed sync without re-requesting stored pages, and the previous file survives", async () => {
    const file = join(dir, "sync.c1z");
    const env = { ...quiet, FIXTURE_USERS: "40", FIXTURE_PAGE_SIZE: "2", FIXTURE_TRACE: "1" };
    // An uninterrupted reference run, then a first good file at the real path.
    const reference = join(dir, "reference.c1z");
    const full = await run(
      fixtureBin,
      ["--file", reference, "--workers", "1", "--checkpoint-interval-ms", "0"],
      env,
    );
    expect(full.code).toBe(0);
    const allCalls = full.stderr.split("\n").filter((l) => l.startsWith("trace "));
    expect(
      await run(
        fixtureBin,
        ["--file", file, "--workers", "1", "--checkpoint-interval-ms", "0"],
        env,
      ).then((r) => r.code),
    ).toBe(0);
    const before = readFileSync(file);

    // Second sync into the same file, killed after 30 connector calls.
    const killed = start(
      fixtureBin,
      ["--file", file, "--workers", "1", "--checkpoint-interval-ms", "0"],
      {
        ...env,
        FIXTURE_DELAY_MS: "20",
      },
    );
    await waitFor(
      killed.output,
      (o) => o.stderr.split("\n").filter((l) => l.startsWith("trace ")).length >= 30,
      "30 calls",
    );
    killed.child.kill("SIGKILL");
    const dead = await killed.done;
    expect(dead.signal).toBe("SIGKILL");
    expect(readFileSync(file).equals(before)).toBe(true);
    const firstCalls = dead.stderr.split("\n").filter((l) => l.startsWith("trace "));

    const resumed = await run(
      fixtureBin,
      ["--file", file, "--workers", "1", "--checkpoint-interval-ms", "0"],
      env,
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("resumed");
    const secondCalls = resumed.stderr.split("\n").filter((l) => l.startsWith("trace "));
    // Only the page in flight at the kill may be asked again; everything stored is skipped.
    const repeated = secondCalls.filter((c) => firstCalls.includes(c));
    expect(repeated.length).toBeLessThanOrEqual(1);
    expect(secondCalls.length).toBeLessThan(allCalls.length);
    expect(new Set([...firstCalls, ...secondCalls])).toEqual(new Set(allCalls));

    expect(rowsAsObject(c1zRows(file))).toEqual(rowsAsObject(c1zRows(reference)));
  });
});

#!/usr/bin/env node
// The baton-seismic binary: the Seismic connector on the Baton CLI harness, plus `simulate`.
import { prestartWriter } from "./baton/c1z/writer-thread.js";
import { applyHeapPolicy } from "./baton/cli/heap-policy.js";

// The c1z store needs node:sqlite, which this project requires from Node 22.15 (package.json
// engines); an older `node` would fail on the first import with a stack trace, so say what to do.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(
    `error: baton-seismic needs Node.js 22.15 or newer, this is ${process.version}; run it with \`npx baton-seismic\` from the project (its own Node 24) or install a newer Node.js\n`,
  );
  process.exit(1);
}

// Before the rest is even loaded (see heap-policy.ts): the imports below are dynamic for that.
applyHeapPolicy();
// A probe runs every few seconds in a container: it loads only what it needs (health-main.ts).
if (process.argv[2] === "health") {
  const { leanHealth } = await import("./baton/cli/health-main.js");
  const code = await leanHealth(process.argv.slice(3), process.env);
  if (code !== undefined) process.exit(code);
}
// The default command syncs into --file: its c1z writer thread loads on the other core while
// this one loads the CLI (writer-thread.ts). Unused (a provisioning run, service mode before its
// first sync), it waits without keeping the process alive.
const first = process.argv[2];
const asksForHelp = process.argv.some((a) => a === "--help" || a === "-h" || a === "--version");
if ((first === undefined || first.startsWith("-")) && !asksForHelp) prestartWriter();
const { runCli } = await import("./baton/cli/run.js");
const { seismicDefinition } = await import("./connector/index.js");
const { simulateCommand } = await import("./simulator/command.js");

await runCli(
  { ...seismicDefinition, commands: [...(seismicDefinition.commands ?? []), simulateCommand] },
  process.argv.slice(2),
);

#!/usr/bin/env node
// The baton-seismic binary: the Seismic connector on the Baton CLI harness, plus `simulate`.
import { applyHeapPolicy } from "./baton/cli/heap-policy.js";

// Before the rest is even loaded (see heap-policy.ts): the imports below are dynamic for that.
applyHeapPolicy();
// A probe runs every few seconds in a container: it loads only what it needs (health-main.ts).
if (process.argv[2] === "health") {
  const { leanHealth } = await import("./baton/cli/health-main.js");
  const code = await leanHealth(process.argv.slice(3), process.env);
  if (code !== undefined) process.exit(code);
}
const { runCli } = await import("./baton/cli/run.js");
const { seismicDefinition } = await import("./connector/index.js");
const { simulateCommand } = await import("./simulator/command.js");

await runCli(
  { ...seismicDefinition, commands: [...(seismicDefinition.commands ?? []), simulateCommand] },
  process.argv.slice(2),
);

#!/usr/bin/env node
// The baton-seismic binary: the Seismic connector on the Baton CLI harness, plus `simulate`.
import { runCli } from "./baton/cli/run.js";
import { seismicDefinition } from "./connector/index.js";
import { simulateCommand } from "./simulator/command.js";

await runCli(
  { ...seismicDefinition, commands: [...(seismicDefinition.commands ?? []), simulateCommand] },
  process.argv.slice(2),
);

#!/usr/bin/env node
// Entry point of the baton-seismic binary: hands straight over to the CLI.
console.error("baton-seismic: the CLI is being assembled");
process.exitCode = 1;

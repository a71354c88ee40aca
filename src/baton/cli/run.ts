/**
 * The Baton CLI harness: one binary with the default one-shot sync (or a one-shot provisioning
 * operation or action), `serve`, `c1z`, `capabilities`, `config` and the connector's own
 * commands. Errors end as one line on stderr and a non-zero exit code, never a stack trace for a
 * user mistake.
 */
import yargs, { type Argv } from "yargs";
import { UsageError } from "../errors.js";
import { actionCommand, wantsAction } from "./action-command.js";
import { c1zCommand } from "./c1z-command.js";
import { rewriteC1zDiff } from "./c1z-review-command.js";
import type { ConnectorDefinition } from "./definition.js";
import { EXIT_BAD_INPUT } from "./exit-codes.js";
import { type HealthArgs, healthBuilder, healthCommand } from "./health-command.js";
import { SecretScrubber } from "./logger.js";
import { provisionCommand, wantsProvisioning } from "./provision-command.js";
import { suggestion } from "./resolve-config.js";
import { allFields, makeRunContext, type RunContext, reportFailure } from "./run-context.js";
import { capabilitiesDocument, configDocument } from "./schema-commands.js";
import { serveCommand } from "./serve-command.js";
import { serviceCommand, wantsServiceMode } from "./service-command.js";
import { installDefaultStop } from "./stop-signals.js";
import { refuseUnsupported, syncCommand } from "./sync-command.js";
import { targetedSyncCommand, wantsTargetedSync } from "./targeted-sync-command.js";
import { typedFlags, yargsOptions } from "./yargs-options.js";

/** Runs `action` with a resolved context and maps failures to exit codes. */
async function withContext(
  def: ConnectorDefinition,
  argv: Record<string, unknown>,
  action: (ctx: RunContext, signal: AbortSignal) => Promise<number>,
): Promise<void> {
  const controller = new AbortController();
  let ctx: RunContext | undefined;
  try {
    ctx = makeRunContext(def, typedFlags(argv, allFields(def)), process.env);
    refuseUnsupported(ctx.config);
    process.exitCode = await action(ctx, controller.signal);
  } catch (e) {
    process.exitCode = reportFailure(e, ctx?.scrubber ?? new SecretScrubber(), ctx?.logger);
  }
}

/**
 * The command without a name: service mode under ConductorOne, one action, one provisioning
 * operation, a targeted (partial) sync, or else a full sync into --file.
 */
function defaultCommand(
  def: ConnectorDefinition,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<number> {
  const c = ctx.config;
  if (wantsServiceMode(c)) return serviceCommand(def, ctx);
  if (wantsAction(c)) return actionCommand(def, ctx);
  if (wantsProvisioning(c)) return provisionCommand(def, ctx);
  if (wantsTargetedSync(c)) return targetedSyncCommand(def, ctx, signal);
  return syncCommand(def, ctx, signal);
}

/** Parses `args` and runs the chosen command; sets `process.exitCode`. */
export async function runCli(def: ConnectorDefinition, args: readonly string[]): Promise<void> {
  // As PID 1 (a container without an init) a signal without a handler is ignored.
  installDefaultStop();
  const fields = allFields(def);
  // The configuration flags belong to the commands that use them, so `simulate`, `c1z` and the
  // schema commands show (and accept) only their own.
  const options = yargsOptions(fields);
  const withOptions = (y: Argv) => y.options(options);
  // The logging flags are global: every subcommand (`c1z`, `simulate`, …) accepts them.
  const logging = yargsOptions(fields.filter((f) => f.group === "Logging"));
  const parsed = rewriteC1zDiff(args);
  if (!Array.isArray(parsed)) {
    process.stderr.write(`error: ${parsed.usage}\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  let cli: Argv = yargs(parsed)
    .scriptName(def.name)
    .usage(`$0 [command] [flags]\n\n${def.description}`)
    .version(def.version)
    .options(
      Object.fromEntries(Object.entries(logging).map(([k, o]) => [k, { ...o, global: true }])),
    )
    .strict()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .command(
      "$0",
      "Sync into --file (default), run one provisioning operation with --provisioning, or run under ConductorOne with --client-id and --client-secret",
      withOptions,
      (argv) => withContext(def, argv, (ctx, signal) => defaultCommand(def, ctx, signal)),
    )
    .command(
      "serve",
      "Serve the c1.connector.v2 gRPC API (sidecar mode) on --listen",
      withOptions,
      (argv) =>
        withContext(def, argv, (ctx) => {
          if (wantsServiceMode(ctx.config)) {
            throw new UsageError(
              "--client-id/--client-secret (BATON_CLIENT_ID/BATON_CLIENT_SECRET) select ConductorOne service mode, which runs without a command: drop `serve`, or unset them to serve as a sidecar",
            );
          }
          return serveCommand(def, ctx);
        }),
    )
    .command(
      "health",
      "Probe a running `serve` with grpc.health.v1.Health/Check: prints SERVING and exits 0, else exits 1 saying why",
      (y) => healthBuilder(withOptions(y)),
      (argv) => withContext(def, argv, (ctx) => healthCommand(ctx.config, argv as HealthArgs)),
    )
    .command(
      "capabilities",
      "Print the connector's capabilities document (baton_capabilities.json)",
      () => {},
      () => {
        process.stdout.write(capabilitiesDocument(def));
      },
    )
    .command(
      "config",
      "Print the configuration schema (c1.config.v1.Configuration) as JSON",
      () => {},
      () => {
        process.stdout.write(configDocument(def));
      },
    )
    .command(c1zCommand);
  for (const c of def.commands ?? []) cli = cli.command(c);
  const commandNames = [
    "serve",
    "health",
    "capabilities",
    "config",
    "c1z",
    ...(def.commands ?? []).map((c) => String(c.command ?? "").split(" ")[0] ?? ""),
  ];
  await cli
    .fail((msg, err) => {
      // yargs' own parse errors (YError) are user mistakes too; anything else is a bug: rethrow.
      if (err && !(err instanceof UsageError) && err.name !== "YError") throw err;
      process.stderr.write(
        `error: ${usageMessage(err?.message ?? msg, args, fields, commandNames)}\nRun \`${def.name} --help\` for the flags.\n`,
      );
      process.exit(2);
    })
    .help()
    .alias("help", "h")
    .parseAsync();
}

/**
 * Rewrites yargs' "Unknown argument(s): x" into flag terms with a suggestion, e.g.
 * `unknown flag --seismic-tenat (did you mean --seismic-tenant?)`, and "Not enough arguments
 * following: x" into `--x needs a value`; other messages pass through.
 */
export function usageMessage(
  msg: string,
  args: readonly string[],
  fields: readonly { name: string }[],
  commands: readonly string[] = [],
): string {
  const missing = /^Not enough arguments following: (.+)$/.exec(msg);
  if (missing?.[1]) return `--${missing[1]} needs a value`;
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m?.[1]) return msg;
  const names = fields.map((f) => f.name);
  // yargs lists a mistyped flag twice, as typed and camel-cased; keep the typed form.
  const listed = m[1].split(", ");
  const typedNames = listed.filter(
    (n) => !listed.includes(n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)) || !/[A-Z]/.test(n),
  );
  return typedNames
    .map((name) => {
      const typed = args.some(
        (a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`,
      );
      if (!typed) return `unknown command or argument "${name}"`;
      const flag = `${name.length === 1 ? "-" : "--"}${name}`;
      // A flag of another command: say so, rather than suggest the very flag that was typed.
      if (names.includes(name))
        return `${flag} is not a flag of \`${commandOf(args, commands)}\`; see its --help`;
      return `unknown flag ${flag}${suggestion(name, names, "--")}`;
    })
    .join("; ");
}

/** The subcommand `args` run (the first word that is not a flag), for messages. */
function commandOf(args: readonly string[], commands: readonly string[]): string {
  return args.find((a) => commands.includes(a)) ?? "the default command";
}

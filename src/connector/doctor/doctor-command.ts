/**
 * `baton-seismic doctor`: the command an operator runs before the first sync, against the real
 * tenant or a sandbox, with the same flags, environment and config file as a sync. Prints a table
 * (or `-o json`) and exits 0 when a sync and provisioning will work, 1 otherwise, 2 for bad flags.
 */
import type { Argv, CommandModule } from "yargs";
import type { ConnectorDefinition } from "../../baton/cli/definition.js";
import { SecretScrubber } from "../../baton/cli/logger.js";
import {
  allFields,
  makeRunContext,
  type RunContext,
  reportFailure,
} from "../../baton/cli/run-context.js";
import { typedFlags, yargsOptions } from "../../baton/cli/yargs-options.js";
import { UsageError } from "../../baton/errors.js";
import { tenantTarget } from "../tenant-config.js";
import { renderJson, renderTable } from "./render.js";
import { runDoctor } from "./run-doctor.js";
import type { WriteCheckTarget } from "./write-check.js";

export interface DoctorArgs {
  output: string;
  "write-check": boolean;
  group?: string | undefined;
  user?: string | undefined;
  role: string;
}

function writeTarget(args: DoctorArgs): WriteCheckTarget | undefined {
  if (!args["write-check"]) {
    if (args.group || args.user) {
      throw new UsageError(
        "--group and --user are for --write-check; add --write-check or drop them",
      );
    }
    return undefined;
  }
  if (!args.group || !args.user) {
    throw new UsageError(
      "--write-check needs --group GROUP_ID and --user USER_ID: a test user and a group it may join and leave",
    );
  }
  return { groupId: args.group, userId: args.user, role: args.role };
}

/** Runs the checks and prints the report; returns the exit code. */
async function doctor(ctx: RunContext, args: DoctorArgs): Promise<number> {
  if (args.output !== "table" && args.output !== "json") {
    throw new UsageError(`-o/--output: expected table or json, got "${args.output}"`);
  }
  const writeCheck = writeTarget(args);
  const target = await tenantTarget(ctx.config, { logger: ctx.logger, scrubber: ctx.scrubber });
  try {
    const report = await runDoctor(target.config, {
      logger: ctx.logger,
      ...(writeCheck ? { writeCheck } : {}),
    });
    const text = args.output === "json" ? renderJson(report) : renderTable(report);
    process.stdout.write(ctx.scrubber.scrub(text));
    return report.ok ? 0 : 1;
  } finally {
    await target.close();
  }
}

/** The `doctor` command of `def` (its flags are the connector's and the standard ones). */
export function doctorCommand(def: ConnectorDefinition): CommandModule<object, DoctorArgs> {
  return {
    command: "doctor",
    describe:
      "Check the tenant before the first sync: reachability, credentials, scopes, the delegated user, which API variants it answers, rate budget and clock (--write-check: a grant/revoke round trip)",
    builder: (y: Argv) =>
      y
        .options(yargsOptions(allFields(def)))
        .option("output", {
          alias: "o",
          type: "string",
          default: "table",
          describe: "table or json",
        })
        .option("write-check", {
          type: "boolean",
          default: false,
          describe:
            "Also grant and revoke a membership and a role on --user, restoring what was found",
        })
        .option("group", {
          type: "string",
          describe: "--write-check: id of the group to join and leave",
        })
        .option("user", { type: "string", describe: "--write-check: id of a test user" })
        .option("role", {
          type: "string",
          default: "Learner",
          describe: "--write-check: the role to grant and revoke",
        }) as unknown as Argv<DoctorArgs>,
    handler: async (argv) => {
      let ctx: RunContext | undefined;
      try {
        ctx = makeRunContext(
          def,
          typedFlags(argv as Record<string, unknown>, allFields(def)),
          process.env,
        );
        process.exitCode = await doctor(ctx, argv);
      } catch (e) {
        process.exitCode = reportFailure(e, ctx?.scrubber ?? new SecretScrubber(), ctx?.logger);
      }
    },
  };
}

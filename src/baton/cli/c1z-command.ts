/**
 * `c1z FILE <view>`: prints what a c1z file holds, like the Go `baton` CLI does: resource types,
 * resources, entitlements, grants, sync runs or row counts, as aligned tables (`-o console`, the
 * default) or one JSON document (`-o json`, messages in proto-JSON). It reads the sync a Baton
 * reader would (latest finished; `--sync-id` to choose). A missing or foreign file is reported in
 * one line with exit code 1.
 */
import { type DescMessage, type MessageShape, toJson } from "@bufbuild/protobuf";
import type { Argv, CommandModule } from "yargs";
import {
  Entitlement_PurposeValue,
  EntitlementSchema,
} from "../../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  ResourceSchema,
  ResourceType_Trait,
  ResourceTypeSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError } from "../c1z/c1z-error.js";
import { C1zReader } from "../c1z/reader.js";
import type { SyncRun } from "../c1z/sync-runs.js";
import { c1zTypeRegistry } from "../c1z/type-registry.js";
import {
  isReviewView,
  REVIEW_FORMATS,
  REVIEW_VIEWS,
  reviewOptions,
  runReviewCommand,
} from "./c1z-review-command.js";

export const C1Z_VIEWS = [
  "resource-types",
  "resources",
  "entitlements",
  "grants",
  "syncs",
  "stats",
] as const;
export type C1zView = (typeof C1Z_VIEWS)[number];

export interface C1zCommandArgs {
  readonly file: string;
  readonly view: C1zView;
  /** Only rows of this resource type (resources, entitlements; grants: the entitlement's). */
  readonly resourceType?: string | undefined;
  /** Only grants of this entitlement id. */
  readonly entitlement?: string | undefined;
  readonly syncId?: string | undefined;
  readonly output?: "console" | "json" | undefined;
  /** Where the file is unpacked while reading. */
  readonly tempDir?: string | undefined;
}

/** Anything with a `write(text)`, such as `process.stdout`. */
export interface TextWriter {
  write(text: string): unknown;
}

/**
 * Prints the requested view of `args.file` to `stdout` and returns the exit code: 0, or 1 after
 * one `error: …` line on `stderr` when the file cannot be read.
 */
export async function runC1zCommand(
  args: C1zCommandArgs,
  stdout: TextWriter,
  stderr: TextWriter = process.stderr,
): Promise<number> {
  let reader: C1zReader | undefined;
  try {
    reader = await C1zReader.open(args.file, {
      ...(args.syncId ? { syncId: args.syncId } : {}),
      ...(args.tempDir ? { tempDir: args.tempDir } : {}),
    });
    const view = render(reader, args);
    stdout.write(args.output === "json" ? `${JSON.stringify(view.json, null, 2)}\n` : view.table);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    stderr.write(
      `error: ${err instanceof C1zError ? message : `reading ${args.file}: ${message}`}\n`,
    );
    return 1;
  } finally {
    reader?.close();
  }
}

interface Rendered {
  readonly json: unknown;
  readonly table: string;
}

function render(reader: C1zReader, args: C1zCommandArgs): Rendered {
  const resourceTypeId = args.resourceType || undefined;
  switch (args.view) {
    case "resource-types": {
      const types = reader
        .resourceTypes()
        .filter((t) => resourceTypeId === undefined || t.id === resourceTypeId);
      return {
        json: { resourceTypes: types.map((t) => messageJson(ResourceTypeSchema, t)) },
        table: table(
          ["ID", "Display Name", "Traits"],
          types.map((t) => [t.id, t.displayName, t.traits.map(traitName).join(", ")]),
        ),
      };
    }
    case "resources": {
      const resources = reader.resources(resourceTypeId ? { resourceTypeId } : {});
      return {
        json: { resources: resources.map((r) => messageJson(ResourceSchema, r)) },
        table: table(
          ["ID", "Display Name", "Resource Type", "Parent Resource"],
          resources.map((r) => [
            r.id?.resource ?? "",
            r.displayName,
            r.id?.resourceType ?? "",
            r.parentResourceId
              ? `${r.parentResourceId.resourceType}:${r.parentResourceId.resource}`
              : "",
          ]),
        ),
      };
    }
    case "entitlements": {
      const entitlements = reader.entitlements(resourceTypeId ? { resourceTypeId } : {});
      return {
        json: { entitlements: entitlements.map((e) => messageJson(EntitlementSchema, e)) },
        table: table(
          ["ID", "Display Name", "Resource Type", "Resource ID", "Purpose"],
          entitlements.map((e) => [
            e.id,
            e.displayName,
            e.resource?.id?.resourceType ?? "",
            e.resource?.id?.resource ?? "",
            purposeName(e.purpose),
          ]),
        ),
      };
    }
    case "grants": {
      const grants = reader.grants({
        ...(args.entitlement ? { entitlementId: args.entitlement } : {}),
        ...(resourceTypeId ? { resourceTypeId } : {}),
      });
      return {
        json: { grants: grants.map((g) => messageJson(GrantSchema, g)) },
        table: table(
          ["Entitlement", "Principal Type", "Principal ID"],
          grants.map((g) => [
            g.entitlement?.id ?? "",
            g.principal?.id?.resourceType ?? "",
            g.principal?.id?.resource ?? "",
          ]),
        ),
      };
    }
    case "syncs": {
      const runs = reader.syncs();
      return {
        json: { syncs: runs.map(syncJson) },
        table: table(
          ["ID", "Type", "Started", "Ended"],
          runs.map((r) => [r.syncId, r.type, r.startedAt, r.endedAt ?? ""]),
        ),
      };
    }
    case "stats": {
      const stats = reader.stats();
      const rows: string[][] = [
        ["resource_types", "", String(stats.counts.resourceTypes)],
        ["resources", "", String(stats.counts.resources)],
        ...Object.entries(stats.resourcesByType).map(([t, n]) => ["resources", t, String(n)]),
        ["entitlements", "", String(stats.counts.entitlements)],
        ...Object.entries(stats.entitlementsByType).map(([t, n]) => ["entitlements", t, String(n)]),
        ["grants", "", String(stats.counts.grants)],
        ...Object.entries(stats.grantsByType).map(([t, n]) => ["grants", t, String(n)]),
      ];
      return {
        json: stats,
        table: `Sync: ${stats.syncId ?? "(none)"}\n${table(["Kind", "Resource Type", "Count"], rows)}`,
      };
    }
  }
}

/** Proto-JSON of a stored message; annotations are resolved with the c1z type registry. */
function messageJson<Desc extends DescMessage>(desc: Desc, message: MessageShape<Desc>): unknown {
  return toJson(desc, message, { registry: c1zTypeRegistry });
}

function syncJson(run: SyncRun) {
  return {
    id: run.syncId,
    type: run.type,
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? null,
    parentSyncId: run.parentSyncId,
    syncToken: run.syncToken,
  };
}

function traitName(trait: ResourceType_Trait): string {
  return (ResourceType_Trait[trait] ?? String(trait)).toLowerCase();
}

function purposeName(purpose: Entitlement_PurposeValue): string {
  return (Entitlement_PurposeValue[purpose] ?? String(purpose)).toLowerCase();
}

/**
 * An aligned table in the Go CLI's style: a header row, then one row per item, columns padded
 * to their widest cell and separated by ` | `. Trailing spaces are trimmed.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((row) => row.map(oneLine));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all
    .map((row) =>
      widths
        .map((w, i) => (row[i] ?? "").padEnd(w))
        .join(" | ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

function oneLine(cell: string): string {
  return cell.replace(/[\r\n\t]+/g, " ");
}

/** `c1z FILE <view>` for the yargs harness. */
export const c1zCommand: CommandModule = {
  command: "c1z <file> <view>",
  describe: `Show the contents of a c1z file (${[...C1Z_VIEWS, ...REVIEW_VIEWS].join(", ")}); \`c1z diff OLD NEW\` compares two files`,
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", describe: "The c1z file to read" })
      .positional("view", { choices: [...C1Z_VIEWS, ...REVIEW_VIEWS], describe: "What to show" })
      .options(reviewOptions)
      .option("resource-type", { type: "string", describe: "Only this resource type" })
      .option("entitlement", {
        type: "string",
        describe: "Only grants of this entitlement id (holders: the entitlement)",
      })
      .option("sync-id", { type: "string", describe: "Read this sync instead of the latest" })
      .option("output", {
        alias: "o",
        choices: REVIEW_FORMATS,
        default: "console" as const,
        describe: "Output format (markdown: diff, access and holders only)",
      }),
  handler: async (argv) => {
    if (isReviewView(argv.view)) {
      process.exitCode = await runReviewCommand(
        {
          file: String(argv.file),
          view: argv.view,
          newer: optionalString(argv.newer),
          from: optionalString(argv.from),
          to: optionalString(argv.to),
          user: optionalString(argv.user),
          entitlement: optionalString(argv.entitlement),
          syncId: optionalString(argv.syncId),
          output: REVIEW_FORMATS.find((f) => f === argv.output) ?? "console",
          tempDir: optionalString(argv.c1zTempDir),
        },
        process.stdout,
      );
      return;
    }
    if (argv.output === "markdown") {
      process.stderr.write("error: -o markdown is available for diff, access and holders\n");
      process.exitCode = 2;
      return;
    }
    process.exitCode = await runC1zCommand(
      {
        file: String(argv.file),
        view: argv.view as C1zView,
        resourceType: optionalString(argv.resourceType),
        entitlement: optionalString(argv.entitlement),
        syncId: optionalString(argv.syncId),
        output: argv.output === "json" ? "json" : "console",
        tempDir: optionalString(argv.c1zTempDir),
      },
      process.stdout,
    );
  },
};

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

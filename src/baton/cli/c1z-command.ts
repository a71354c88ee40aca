/**
 * `c1z FILE <view>`: prints what a c1z file holds, like the Go `baton` CLI does: resource types,
 * resources, entitlements, grants, sync runs or row counts, as aligned tables (`-o console`, the
 * default) or one JSON document (`-o json`, messages in proto-JSON). It reads the sync a Baton
 * reader would (latest finished; `--sync-id` to choose). Rows stream from the file page by page
 * (C1zReader's `iterate…` walks), so a 100,000-user sync's 700,000 grants print in bounded
 * memory. A missing or foreign file is reported in one line with exit code 2, a damaged one
 * with 1 (see exit-codes.ts).
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
import { C1zReader, type C1zStats } from "../c1z/reader.js";
import type { SyncRun } from "../c1z/sync-runs.js";
import { c1zTypeRegistry } from "../c1z/type-registry.js";
import {
  isReviewView,
  REVIEW_FORMATS,
  REVIEW_VIEWS,
  reviewOptions,
  runReviewCommand,
} from "./c1z-review-command.js";
import { EXIT_BAD_INPUT, exitCodeOf } from "./exit-codes.js";
import { OutputSink, stdoutSink, type TextWriter } from "./output-sink.js";
import { oneLine } from "./stream-output.js";

export type { TextWriter };

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

/**
 * Prints the requested view of `args.file` to `stdout` and returns the exit code: 0, or 2 (a
 * missing or foreign file, an unknown sync id) or 1 (a damaged file) after one `error: …` line
 * on `stderr`. Rows are streamed from the file a page at a time (tables make two passes: column
 * widths, then rows), so memory stays bounded whatever the file's size; a reader that closes the
 * pipe early just ends the output.
 */
export async function runC1zCommand(
  args: C1zCommandArgs,
  stdout: TextWriter | OutputSink,
  stderr: TextWriter = process.stderr,
): Promise<number> {
  const sink = stdout instanceof OutputSink ? stdout : new OutputSink(stdout);
  let reader: C1zReader | undefined;
  try {
    reader = await C1zReader.open(args.file, {
      ...(args.syncId ? { syncId: args.syncId } : {}),
      ...(args.tempDir ? { tempDir: args.tempDir } : {}),
    });
    if (args.view === "stats") {
      const stats = reader.stats();
      await sink.write(
        args.output === "json" ? `${JSON.stringify(stats, null, 2)}\n` : statsTable(stats),
      );
    } else {
      const view = rowView(reader, args);
      await (args.output === "json" ? writeJson(sink, view) : writeTable(sink, view));
    }
    await sink.flush();
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await sink.flush().catch(() => {});
    stderr.write(
      `error: ${err instanceof C1zError ? message : `reading ${args.file}: ${message}`}\n`,
    );
    return exitCodeOf(err);
  } finally {
    reader?.close();
  }
}

/** A view of rows: how to walk them (called once per pass), and their table and JSON forms. */
interface RowView<T> {
  /** The key of the JSON document's one array. */
  readonly key: string;
  readonly header: readonly string[];
  readonly rows: () => Iterable<T>;
  readonly cells: (row: T) => string[];
  readonly json: (row: T) => unknown;
}

/** Type-erased, so the switch below can return any row type. */
type AnyRowView = RowView<never>;

function rowView(reader: C1zReader, args: C1zCommandArgs): AnyRowView {
  const resourceTypeId = args.resourceType || undefined;
  const view = <T>(v: RowView<T>) => v as unknown as AnyRowView;
  switch (args.view) {
    case "resource-types":
      return view({
        key: "resourceTypes",
        header: ["ID", "Display Name", "Traits"],
        rows: () =>
          reader
            .resourceTypes()
            .filter((t) => resourceTypeId === undefined || t.id === resourceTypeId),
        cells: (t) => [t.id, t.displayName, t.traits.map(traitName).join(", ")],
        json: (t) => messageJson(ResourceTypeSchema, t),
      });
    case "resources":
      return view({
        key: "resources",
        header: ["ID", "Display Name", "Resource Type", "Parent Resource"],
        rows: () => reader.iterateResources(resourceTypeId ? { resourceTypeId } : {}),
        cells: (r) => [
          r.id?.resource ?? "",
          r.displayName,
          r.id?.resourceType ?? "",
          r.parentResourceId
            ? `${r.parentResourceId.resourceType}:${r.parentResourceId.resource}`
            : "",
        ],
        json: (r) => messageJson(ResourceSchema, r),
      });
    case "entitlements":
      return view({
        key: "entitlements",
        header: ["ID", "Display Name", "Resource Type", "Resource ID", "Purpose"],
        rows: () => reader.iterateEntitlements(resourceTypeId ? { resourceTypeId } : {}),
        cells: (e) => [
          e.id,
          e.displayName,
          e.resource?.id?.resourceType ?? "",
          e.resource?.id?.resource ?? "",
          purposeName(e.purpose),
        ],
        json: (e) => messageJson(EntitlementSchema, e),
      });
    case "grants":
      return view({
        key: "grants",
        header: ["Entitlement", "Principal Type", "Principal ID"],
        rows: () =>
          reader.iterateGrants({
            ...(args.entitlement ? { entitlementId: args.entitlement } : {}),
            ...(resourceTypeId ? { resourceTypeId } : {}),
          }),
        cells: (g) => [
          g.entitlement?.id ?? "",
          g.principal?.id?.resourceType ?? "",
          g.principal?.id?.resource ?? "",
        ],
        json: (g) => messageJson(GrantSchema, g),
      });
    case "syncs":
      return view({
        key: "syncs",
        header: ["ID", "Type", "Started", "Ended"],
        rows: () => reader.syncs(),
        cells: (r: SyncRun) => [r.syncId, r.type, r.startedAt, r.endedAt ?? ""],
        json: syncJson,
      });
    case "stats":
      throw new Error("internal: stats is not a row view");
  }
}

function statsTable(stats: C1zStats): string {
  const rows: string[][] = [
    ["resource_types", "", String(stats.counts.resourceTypes)],
    ["resources", "", String(stats.counts.resources)],
    ...Object.entries(stats.resourcesByType).map(([t, n]) => ["resources", t, String(n)]),
    ["entitlements", "", String(stats.counts.entitlements)],
    ...Object.entries(stats.entitlementsByType).map(([t, n]) => ["entitlements", t, String(n)]),
    ["grants", "", String(stats.counts.grants)],
    ...Object.entries(stats.grantsByType).map(([t, n]) => ["grants", t, String(n)]),
  ];
  return `Sync: ${stats.syncId ?? "(none)"}\n${table(["Kind", "Resource Type", "Count"], rows)}`;
}

/**
 * The JSON document `{"<key>": [ … ]}`, byte for byte what `JSON.stringify(doc, null, 2)` of the
 * whole array prints, written one row at a time.
 */
async function writeJson(sink: OutputSink, view: AnyRowView): Promise<void> {
  let first = true;
  for (const row of view.rows()) {
    if (sink.isClosed) return;
    const item = JSON.stringify(view.json(row), null, 2).replace(/\n/g, "\n    ");
    await sink.write(`${first ? `{\n  ${JSON.stringify(view.key)}: [\n` : ",\n"}    ${item}`);
    first = false;
  }
  await sink.write(first ? `{\n  ${JSON.stringify(view.key)}: []\n}\n` : "\n  ]\n}\n");
}

/** An aligned table (see {@link table}): one pass for the column widths, one for the rows. */
async function writeTable(sink: OutputSink, view: AnyRowView): Promise<void> {
  const widths = view.header.map((h) => oneLine(h).length);
  for (const row of view.rows()) {
    view.cells(row).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, oneLine(cell).length);
    });
  }
  await sink.write(tableLine(view.header, widths));
  for (const row of view.rows()) {
    if (sink.isClosed) return;
    await sink.write(tableLine(view.cells(row), widths));
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
  const widths = header.map((h) => oneLine(h).length);
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, oneLine(cell).length);
    });
  return [header, ...rows].map((row) => tableLine(row, widths)).join("");
}

/** One row of a table: cells padded to `widths`, joined by ` | `, end trimmed, newline. */
function tableLine(row: readonly string[], widths: readonly number[]): string {
  return `${widths
    .map((w, i) => oneLine(row[i] ?? "").padEnd(w))
    .join(" | ")
    .trimEnd()}\n`;
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
      })
      .option("c1z-temp-dir", {
        type: "string",
        describe:
          "Where the file is unpacked while it is read (needs about 10 times its size) [default: the OS temporary directory]",
      }),
  handler: async (argv) => {
    const { sink, writer, release } = stdoutSink();
    try {
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
          writer,
        );
        return;
      }
      if (argv.output === "markdown") {
        process.stderr.write(
          `error: -o markdown is for the diff, access and holders views; use -o console or -o json with ${String(argv.view)}\n`,
        );
        process.exitCode = EXIT_BAD_INPUT;
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
        sink,
      );
    } finally {
      release();
    }
  },
};

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

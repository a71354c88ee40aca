/**
 * The review views of `c1z`: `c1z FILE diff [--from ID] [--to ID]` and `c1z diff OLD NEW` (what
 * changed between two syncs), `c1z FILE access --user ID|EMAIL` (everything a user holds, and
 * how) and `c1z FILE holders --entitlement ID` (who holds it). All three stream their output;
 * `-o console|json|markdown`. Registered by c1z-command.ts; bad input (a missing flag, a file
 * that is not a c1z, a name or sync the file does not hold) exits 2, a damaged file 1, each with
 * one `error:` line (see exit-codes.ts).
 */
import type { Options } from "yargs";
import {
  AccessView,
  NotInSyncError,
  type PrincipalInfo,
  principalInfo,
} from "../c1z/access/access-view.js";
import { C1zError } from "../c1z/c1z-error.js";
import { DiffInputError, runDiff } from "../c1z/diff/run-diff.js";
import { openUnpacked } from "../c1z/unpacked-database.js";
import { UsageError } from "../errors.js";
import { EXIT_BAD_INPUT, exitCodeOf } from "./exit-codes.js";
import type { TextWriter } from "./output-sink.js";
import { bufferedWriter, StreamingTable } from "./stream-output.js";

export const REVIEW_VIEWS = ["diff", "access", "holders"] as const;
export type ReviewView = (typeof REVIEW_VIEWS)[number];
export const REVIEW_FORMATS = ["console", "json", "markdown"] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export function isReviewView(view: unknown): view is ReviewView {
  return (REVIEW_VIEWS as readonly unknown[]).includes(view);
}

/** The flags of the review views, added to the `c1z` command. */
export const reviewOptions: Record<string, Options> = {
  from: {
    type: "string",
    describe: "diff: the older sync id (default: the full sync before --to)",
  },
  to: { type: "string", describe: "diff: the newer sync id (default: the latest full sync)" },
  newer: { type: "string", hidden: true, describe: "diff: the newer file (`c1z diff OLD NEW`)" },
  user: { type: "string", describe: "access: the user's id, email or login" },
};

export interface ReviewArgs {
  readonly file: string;
  readonly view: ReviewView;
  /** `c1z diff OLD NEW`: NEW; `file` is OLD. */
  readonly newer?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly user?: string | undefined;
  readonly entitlement?: string | undefined;
  readonly syncId?: string | undefined;
  readonly output: ReviewFormat;
  readonly tempDir?: string | undefined;
}

/** Runs a review view; returns the exit code after at most one `error:` line on stderr. */
export async function runReviewCommand(
  args: ReviewArgs,
  stdout: TextWriter,
  stderr: TextWriter = process.stderr,
): Promise<number> {
  const out = bufferedWriter(stdout);
  try {
    if (args.view === "diff") {
      const files: [string] | [string, string] = args.newer ? [args.file, args.newer] : [args.file];
      await runDiff(
        { files, from: args.from, to: args.to, format: args.output, tempDir: args.tempDir },
        out.write,
      );
    } else {
      await runAccessView(args, out.write);
    }
    out.flush();
    return 0;
  } catch (err) {
    out.flush();
    const message = err instanceof Error ? err.message : String(err);
    const named = err instanceof DiffInputError || err instanceof NotInSyncError;
    const known = named || err instanceof C1zError || err instanceof UsageError;
    stderr.write(`error: ${known ? message : `reading ${args.file}: ${message}`}\n`);
    return named ? EXIT_BAD_INPUT : exitCodeOf(err);
  }
}

async function runAccessView(args: ReviewArgs, write: (text: string) => void): Promise<void> {
  if (args.view === "access" && !args.user) {
    throw new UsageError("c1z FILE access needs --user ID|EMAIL (the user's id, email or login)");
  }
  if (args.view === "holders" && !args.entitlement) {
    throw new UsageError(
      "c1z FILE holders needs --entitlement ID (list ids with `c1z FILE entitlements`)",
    );
  }
  const c1z = await openUnpacked(args.file, { tempDir: args.tempDir });
  try {
    const view = AccessView.of(c1z.db, args.file, args.syncId);
    const sync = {
      syncId: view.run.syncId,
      type: view.run.type,
      endedAt: view.run.endedAt ?? null,
    };
    const list = listWriter(args.output, write);
    if (args.view === "access") {
      const user = view.findUser(args.user ?? "");
      const who = principalInfo(user);
      list.start(
        { sync, user: who },
        `${principalText(who)}\nSync ${sync.syncId}`,
        "entitlements",
        ["Entitlement", "How", "Resource", "Via"],
      );
      for (const e of view.access({ resourceType: who.resourceType, resource: who.id })) {
        list.item(e, [
          e.entitlementId,
          e.how,
          e.resourceDisplayName || e.resourceId,
          e.via.join(", "),
        ]);
      }
      list.end("entitlements");
    } else {
      const id = args.entitlement ?? "";
      const e = view.requireEntitlement(id);
      const entitlement = {
        id,
        displayName: e.displayName,
        resourceType: e.resource?.id?.resourceType ?? "",
        resourceId: e.resource?.id?.resource ?? "",
        resourceDisplayName: e.resource?.displayName ?? "",
      };
      const title = `Entitlement ${id}${entitlement.resourceDisplayName ? ` (${entitlement.resourceDisplayName})` : ""}\nSync ${sync.syncId}`;
      list.start({ sync, entitlement }, title, "holders", [
        "Principal",
        "Name",
        "Email",
        "Status",
        "Via",
      ]);
      for (const h of view.holders(id)) {
        list.item(h, [
          `${h.resourceType}:${h.id}`,
          h.displayName,
          h.email,
          h.status,
          h.via.join(", "),
        ]);
      }
      list.end("holders");
    }
  } finally {
    c1z.close();
  }
}

function principalText(p: PrincipalInfo): string {
  const parts = [p.displayName, p.email ? `<${p.email}>` : "", p.status].filter(Boolean);
  return `User ${p.resourceType}:${p.id}${parts.length > 0 ? `: ${parts.join(" ")}` : ""}`;
}

/** Writes a header and a list of items in one of the three formats, as items arrive. */
interface ListWriter {
  start(header: Record<string, unknown>, title: string, listKey: string, columns: string[]): void;
  item(value: unknown, cells: string[]): void;
  end(what: string): void;
}

function listWriter(format: ReviewFormat, write: (text: string) => void): ListWriter {
  let count = 0;
  let table: StreamingTable | undefined;
  switch (format) {
    case "json":
      return {
        start(header, _title, listKey) {
          const head = JSON.stringify(header, null, 2).replace(/\n}$/, "");
          write(`${head},\n  ${JSON.stringify(listKey)}: [`);
        },
        item(value) {
          write(`${count === 0 ? "\n" : ",\n"}    ${JSON.stringify(value)}`);
          count++;
        },
        end() {
          write(`${count === 0 ? "]" : "\n  ]"},\n  "count": ${count}\n}\n`);
        },
      };
    case "markdown":
      return {
        start(_header, title, _listKey, columns) {
          const [first = "", ...rest] = title.split("\n");
          write(`## ${md(first)}\n\n${rest.map(md).join("\n")}\n\n`);
          write(`| ${columns.map(md).join(" | ")} |\n|${columns.map(() => "---").join("|")}|\n`);
        },
        item(_value, cells) {
          write(`| ${cells.map(md).join(" | ")} |\n`);
          count++;
        },
        end(what) {
          write(`\n${count} ${what}\n`);
        },
      };
    case "console":
      return {
        start(_header, title, _listKey, columns) {
          write(`${title}\n\n`);
          table = new StreamingTable(columns, write);
        },
        item(_value, cells) {
          table?.add(cells);
          count++;
        },
        end(what) {
          table?.end();
          write(`\n${count} ${what}\n`);
        },
      };
  }
}

function md(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").replace(/\|/g, "\\|");
}

/**
 * `c1z diff OLD NEW [flags]` → `c1z OLD diff --newer NEW [flags]`, so the one `c1z <file> <view>`
 * command serves both forms. Anything else is returned unchanged (a file named `diff` still
 * works as `c1z diff stats`). A `c1z diff` with one file or three gets the usage error to print.
 */
export function rewriteC1zDiff(args: readonly string[]): string[] | { usage: string } {
  if (args[0] !== "c1z" || args[1] !== "diff") return [...args];
  const valueFlags = new Set(["--from", "--to", "-o", "--output", "--c1z-temp-dir", "--sync-id"]);
  const positional: number[] = [];
  for (let i = 2; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a.startsWith("-")) {
      if (valueFlags.has(a)) i++;
      continue;
    }
    positional.push(i);
  }
  const [oldAt, newAt, ...extra] = positional;
  // One positional is `c1z FILE VIEW` with a file named "diff", unless it looks like a c1z.
  if (oldAt === undefined || (newAt === undefined && !/\.c1z$/i.test(args[oldAt] ?? ""))) {
    return [...args];
  }
  if (newAt === undefined || extra.length > 0) {
    return { usage: "c1z diff compares two files: c1z diff OLD.c1z NEW.c1z [--from ID] [--to ID]" };
  }
  const rest = args.filter((_, i) => i >= 2 && i !== oldAt && i !== newAt);
  return ["c1z", args[oldAt] ?? "", "diff", "--newer", args[newAt] ?? "", ...rest];
}

/**
 * `-o console`: a readable summary of a diff, counts first, then the changes with the largest
 * groups first: `+` added, `-` removed, `~` changed with each field's old → new value underneath.
 * Lines are written as they come, so a large diff streams to the terminal.
 */
import type {
  AddedRemoved,
  DiffSink,
  DiffSummary,
  EntitlementRef,
  ResourceRef,
  SyncRef,
  TypeCounts,
} from "./diff-model.js";
import { isEmpty } from "./diff-model.js";

export type Write = (text: string) => void;

export function consoleSink(write: Write): DiffSink {
  const line = (text = "") => write(`${text}\n`);
  return {
    start(from, to, summary) {
      line(`From ${syncLabel(from)}`);
      line(`  to ${syncLabel(to)}`);
      line();
      if (isEmpty(summary)) {
        line("No changes: both syncs hold the same resources, entitlements and grants.");
        return;
      }
      for (const row of alignRows(summaryRows(summary))) line(`  ${row}`);
    },
    resourceType(resourceType, counts) {
      line();
      line(`Resources: ${resourceType} (${countText(counts)})`);
    },
    resource(c) {
      const mark = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
      line(`  ${mark} ${refText(c.resource)}`);
      if (c.change === "changed") {
        for (const f of c.fields)
          line(`      ${f.field}: ${valueText(f.old)} → ${valueText(f.new)}`);
      }
    },
    entitlementType(resourceType, counts) {
      line();
      line(`Entitlements: ${resourceType} (${countText(counts)})`);
    },
    entitlement(c) {
      line(`  ${c.change === "added" ? "+" : "-"} ${entitlementText(c.entitlement)}`);
    },
    grantEntitlement(entitlement, counts) {
      line();
      line(`Grants of ${entitlementText(entitlement)} (${countText(counts)})`);
    },
    grant(c) {
      line(`  ${c.change === "added" ? "+" : "-"} ${refText(c.principal)}`);
    },
    end() {},
  };
}

/** `sync <id> (<type>, ended <time>) in <file>`. */
export function syncLabel(s: SyncRef): string {
  return `sync ${s.syncId} (${s.type}, ${s.endedAt ? `ended ${s.endedAt}` : "unfinished"}) in ${s.file}`;
}

/** The summary as table rows: a header, then totals with per-type rows indented below. */
export function summaryRows(s: DiffSummary): string[][] {
  const rows: string[][] = [["", "added", "removed", "changed"]];
  const add = (label: string, c: AddedRemoved & Partial<TypeCounts>) =>
    rows.push([
      label,
      String(c.added),
      String(c.removed),
      c.changed === undefined ? "" : String(c.changed),
    ]);
  const types = s.resourceTypes;
  if (types.added.length + types.removed.length > 0) {
    add("resource types", { added: types.added.length, removed: types.removed.length });
  }
  add("resources", s.resources);
  for (const [t, c] of s.resourcesByType) add(`  ${t}`, c);
  add("entitlements", s.entitlements);
  for (const [t, c] of s.entitlementsByType) add(`  ${t}`, c);
  add("grants", s.grants);
  for (const [t, c] of s.grantsByType) add(`  ${t}`, c);
  return rows;
}

/** Left-aligns the first column and right-aligns the counts. */
function alignRows(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

function countText(c: AddedRemoved & Partial<TypeCounts>): string {
  const parts = [`+${c.added}`, `-${c.removed}`];
  if (c.changed !== undefined) parts.push(`~${c.changed}`);
  return parts.join(" ");
}

/** `user:<id>  <name> <email>`. */
export function refText(r: ResourceRef): string {
  const name = [r.displayName, r.email && r.email !== r.displayName ? `<${r.email}>` : ""]
    .filter(Boolean)
    .join(" ");
  return `${r.resourceType}:${r.id}${name ? `  ${oneLine(name)}` : ""}`;
}

export function entitlementText(e: EntitlementRef): string {
  const name = e.resourceDisplayName || e.displayName;
  return `${e.id}${name ? ` "${oneLine(name)}"` : ""}`;
}

/** A value as shown after a field name: "(none)" for an absent one. */
export function valueText(v: string): string {
  return v === "" ? "(none)" : oneLine(v);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}

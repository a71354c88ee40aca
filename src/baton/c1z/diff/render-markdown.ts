/**
 * `-o markdown`: the diff as a Markdown section to paste into a review ticket: the two syncs,
 * the counts table, then one table per resource type and per entitlement, largest first.
 */
import type { DiffSink } from "./diff-model.js";
import { isEmpty } from "./diff-model.js";
import { summaryRows, syncLabel, type Write } from "./render-console.js";

export function markdownSink(write: Write): DiffSink {
  const line = (text = "") => write(`${text}\n`);
  const row = (cells: readonly string[]) => line(`| ${cells.join(" | ")} |`);
  return {
    start(from, to, summary) {
      line("## Access changes");
      line();
      line(`From ${code(syncLabel(from))}`);
      line(`to ${code(syncLabel(to))}.`);
      line();
      if (isEmpty(summary)) {
        line("No changes: both syncs hold the same resources, entitlements and grants.");
        return;
      }
      const [header = [], ...rows] = summaryRows(summary);
      row(header.map(cell));
      row(["---", "---:", "---:", "---:"]);
      // Per-type rows are indented in the console; here they show as "↳ type".
      for (const r of rows) row(r.map((c, i) => (i === 0 ? cell(c.replace(/^ {2}/, "↳ ")) : c)));
    },
    resourceType(resourceType, counts) {
      line();
      line(
        `### Resources: ${cell(resourceType)} (+${counts.added} -${counts.removed} ~${counts.changed})`,
      );
      line();
      row(["change", "resource", "name", "what changed"]);
      row(["---", "---", "---", "---"]);
    },
    resource(c) {
      const fields =
        c.change === "changed"
          ? c.fields.map((f) => `${cell(f.field)}: ${value(f.old)} → ${value(f.new)}`).join("<br>")
          : "";
      row([
        c.change,
        code(`${c.resource.resourceType}:${c.resource.id}`),
        name(c.resource),
        fields,
      ]);
    },
    entitlementType(resourceType, counts) {
      line();
      line(`### Entitlements: ${cell(resourceType)} (+${counts.added} -${counts.removed})`);
      line();
      row(["change", "entitlement", "name"]);
      row(["---", "---", "---"]);
    },
    entitlement(c) {
      const e = c.entitlement;
      row([c.change, code(e.id), cell(e.resourceDisplayName || e.displayName)]);
    },
    grantEntitlement(e, counts) {
      line();
      const title = e.resourceDisplayName || e.displayName;
      line(
        `### Grants of ${code(e.id)}${title ? ` (${cell(title)})` : ""}: +${counts.added} -${counts.removed}`,
      );
      line();
      row(["change", "principal", "name"]);
      row(["---", "---", "---"]);
    },
    grant(c) {
      row([c.change, code(`${c.principal.resourceType}:${c.principal.id}`), name(c.principal)]);
    },
    end() {},
  };
}

function name(r: { displayName: string; email?: string }): string {
  return cell(
    [r.displayName, r.email && r.email !== r.displayName ? `(${r.email})` : ""]
      .filter(Boolean)
      .join(" "),
  );
}

/** Table-safe text: pipes escaped, line breaks and tabs as spaces. */
function cell(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").replace(/\|/g, "\\|");
}

/** An inline code span that survives backticks in the text. */
function code(text: string): string {
  const t = cell(text);
  const fence = t.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${t}${fence.length > 1 ? " " : ""}${fence}`;
}

function value(v: string): string {
  return v === "" ? "*(none)*" : code(v);
}

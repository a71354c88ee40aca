/**
 * `-o json`: one JSON document, written as the diff is walked (the shape is documented in the
 * README, "Comparing two syncs"). Top-level keys come in a fixed order: `version`, `from`, `to`,
 * `counts`, `resourceTypes`, `resources`, `entitlements`, `grants`; each list item is one line.
 */
import type { AddedRemoved, DiffSink, DiffSummary, TypeCounts } from "./diff-model.js";
import type { Write } from "./render-console.js";

/** Bumped only when a key is removed or changes meaning; new keys may appear in any version. */
export const DIFF_JSON_VERSION = 1;

type Section = "resources" | "entitlements" | "grants";
const SECTIONS: readonly Section[] = ["resources", "entitlements", "grants"];

export function jsonSink(write: Write): DiffSink {
  let opened = -1;
  let firstItem = true;
  /** The open grants entry's list, if an entry is open. */
  let grantList: "added" | "removed" | undefined;
  let firstGrant = true;

  const item = (text: string) => {
    write(`${firstItem ? "\n" : ",\n"}    ${text}`);
    firstItem = false;
  };
  const closeList = (first: boolean, indent: string) => write(first ? "]" : `\n${indent}]`);
  const closeGrantEntry = () => {
    if (grantList === undefined) return;
    closeList(firstGrant, "    ");
    if (grantList === "added") write(', "removed": []');
    write("}");
    grantList = undefined;
  };
  /** Closes the sections before `section` and opens it (each section exactly once, in order). */
  const enter = (section: Section) => {
    const target = SECTIONS.indexOf(section);
    while (opened < target) {
      if (opened >= 0) {
        closeGrantEntry();
        closeList(firstItem, "  ");
      }
      opened++;
      write(`,\n  ${JSON.stringify(SECTIONS[opened])}: [`);
      firstItem = true;
    }
  };

  return {
    start(from, to, summary) {
      write(`{\n  "version": ${DIFF_JSON_VERSION},\n`);
      write(`  "from": ${JSON.stringify(from)},\n  "to": ${JSON.stringify(to)},\n`);
      write(`  "counts": ${JSON.stringify(countsJson(summary))},\n`);
      write(`  "resourceTypes": ${JSON.stringify(summary.resourceTypes)}`);
    },
    resourceType() {
      enter("resources");
    },
    resource(c) {
      enter("resources");
      const changes = c.change === "changed" ? { changes: c.fields } : {};
      item(JSON.stringify({ change: c.change, ...c.resource, ...changes }));
    },
    entitlementType() {
      enter("entitlements");
    },
    entitlement(c) {
      enter("entitlements");
      item(JSON.stringify({ change: c.change, ...c.entitlement }));
    },
    grantEntitlement(entitlement, counts) {
      enter("grants");
      closeGrantEntry();
      item(
        `{"entitlement": ${JSON.stringify(entitlement)}, "counts": ${JSON.stringify(counts)}, "added": [`,
      );
      grantList = "added";
      firstGrant = true;
    },
    grant(c) {
      if (c.change === "removed" && grantList === "added") {
        closeList(firstGrant, "    ");
        write(', "removed": [');
        grantList = "removed";
        firstGrant = true;
      }
      write(`${firstGrant ? "\n" : ",\n"}      ${JSON.stringify(c.principal)}`);
      firstGrant = false;
    },
    end() {
      enter("grants");
      closeGrantEntry();
      closeList(firstItem, "  ");
      write("\n}\n");
    },
  };
}

function countsJson(s: DiffSummary) {
  const obj = <V>(m: Map<string, V>) => Object.fromEntries(m);
  return {
    resourceTypes: { added: s.resourceTypes.added.length, removed: s.resourceTypes.removed.length },
    resources: s.resources satisfies TypeCounts,
    resourcesByType: obj(s.resourcesByType),
    entitlements: s.entitlements satisfies AddedRemoved,
    entitlementsByType: obj(s.entitlementsByType),
    grants: s.grants,
    grantsByType: obj(s.grantsByType),
  };
}

/**
 * `doctor`'s output: a table for people (a fix line under each problem, a verdict at the end) or
 * the report as JSON (`-o json`).
 */
import type { CheckResult } from "./check.js";
import type { DoctorReport } from "./run-doctor.js";

const STATUS_TEXT: Record<CheckResult["status"], string> = {
  ok: "ok",
  warn: "WARN",
  fail: "FAIL",
  skip: "skip",
};

/** The report as a table with a fix under each problem and a one-line verdict. */
export function renderTable(report: DoctorReport): string {
  const width = Math.min(60, Math.max(...report.checks.map((c) => c.title.length), 5));
  const lines = [`${"CHECK".padEnd(width)}  STATUS  DETAIL`];
  for (const c of report.checks) {
    lines.push(`${c.title.padEnd(width)}  ${STATUS_TEXT[c.status].padEnd(6)}  ${c.detail}`);
    if (c.fix && c.status !== "ok") lines.push(`${"".padEnd(width)}          fix: ${c.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  lines.push(
    "",
    report.ok
      ? `Ready: a sync and provisioning should work${warned > 0 ? ` (${warned} warning${warned === 1 ? "" : "s"} above)` : ""}.`
      : `Not ready: ${failed} problem${failed === 1 ? "" : "s"} to fix first (see "fix:" above).`,
  );
  return `${lines.join("\n")}\n`;
}

/** The report as JSON. */
export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

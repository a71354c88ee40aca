// `baton-seismic doctor` as a user runs it, with the built binary against the simulator: a table
// and exit 0 on a healthy tenant; `-o json` and exit 1 with the fix on a broken one (and no secret
// in the output); exit 2 in one line for flags that do not go together.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { expectNoSecrets, runSeismic, targetOf } from "./helpers/seismic-e2e.js";

const open: Simulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sim(): Promise<Simulator> {
  const s = await startSimulator({ seed: 5, users: 40, groups: 3 });
  open.push(s);
  return s;
}

describe("baton-seismic doctor", () => {
  it("passes on a healthy tenant: a table, the verdict, exit 0", async () => {
    const s = await sim();
    const r = await runSeismic(targetOf(s), ["doctor"], { BATON_LOG_LEVEL: "warn" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CHECK +STATUS +DETAIL\n/);
    expect(r.stdout).toMatch(/^Credentials accepted +ok /m);
    expect(r.stdout).toMatch(/^Variant: group members +ok +members-endpoint/m);
    expect(r.stdout).toMatch(/Ready: a sync and provisioning should work\.\n$/);
    expect(r.stderr).toBe("");
  });

  it("-o json on a wrong secret: exit 1, the fix, no secret anywhere", async () => {
    const s = await sim();
    const wrong = `wrong-${randomBytes(12).toString("base64url")}`;
    const r = await runSeismic(targetOf(s, { clientSecret: wrong }), ["doctor", "-o", "json"], {
      BATON_LOG_LEVEL: "warn",
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; fix?: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === "credentials")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("--seismic-client-secret"),
    });
    expectNoSecrets(`${r.stdout}\n${r.stderr}`, [wrong, s.clientSecret], "doctor");
  });

  it("--write-check without --group/--user: exit 2 in one line", async () => {
    const s = await sim();
    const r = await runSeismic(targetOf(s), ["doctor", "--write-check"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error: --write-check needs --group GROUP_ID and --user USER_ID: a test user and a group it may join and leave\n",
    );
  });
});

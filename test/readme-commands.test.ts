// Keeps the README honest: the commands it shows are run here, as written (with `npx
// baton-seismic` standing for the built binary), against the embedded or a simulated tenant. If
// the README changes a command, the check that it still contains the command fails first.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, run, seismicBin, start, startCommand, waitFor } from "./helpers/run-bin.js";

const readme = readFileSync(join(root, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

/** Runs a README command line (`npx baton-seismic …`) with the built binary in `cwd`. */
function sh(line: string, cwd: string, env: Record<string, string> = {}) {
  expect(readme).toContain(line);
  const args = line
    .replace(/^npx baton-seismic\s*/, "")
    .split(/\s+/)
    .filter(Boolean);
  return run(seismicBin, args, { BATON_LOG_LEVEL: "warn", ...env }, cwd);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "readme-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README commands", () => {
  it("quick start: npm run demo syncs the embedded tenant and c1z shows it", async () => {
    expect(readme).toContain("npm run demo");
    expect(pkg.scripts.demo).toBe("node dist/src/main.js --demo");
    const demo = await run(seismicBin, ["--demo"], { BATON_LOG_LEVEL: "warn" }, dir);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/Synced into sync\.c1z/);
    expect(demo.stdout).toMatch(/grants\s+\d+/);

    const stats = await sh("npx baton-seismic c1z sync.c1z stats", dir);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/user\s*\|\s*\d+/);
    const grants = await sh("npx baton-seismic c1z sync.c1z grants --resource-type group", dir);
    expect(grants.code).toBe(0);
    expect(grants.stdout).toMatch(/group:[0-9a-f-]+:member/);
  });

  it("memory: the npx node command that restores V8's own heap sizing runs a sync", async () => {
    const line =
      "npx node --semi-space-growth-factor=2 --heap-growing-percent=0 dist/src/main.js --demo";
    expect(readme).toContain(line);
    // As written, from the repository (it names dist/src/main.js), with the project's
    // node_modules/.bin taken off PATH as in a user's shell (where a bare `node` may be an older
    // system Node); BATON_FILE keeps the c1z out of the checkout.
    const [command = "", ...args] = line.split(" ");
    const PATH = (process.env.PATH ?? "")
      .split(delimiter)
      .filter((p) => !p.includes("node_modules"))
      .join(delimiter);
    const synced = await startCommand(
      command,
      args,
      { PATH, BATON_LOG_LEVEL: "warn", BATON_FILE: join(dir, "memory.c1z") },
      root,
    ).done;
    expect(synced.stderr).toBe("");
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain(`Synced into ${join(dir, "memory.c1z")}`);
  });

  it("provisioning example: grant a group membership found in the demo file", async () => {
    const synced = await sh("npx baton-seismic --demo --file demo.c1z", dir);
    expect(synced.code).toBe(0);
    const listed = await sh(
      "npx baton-seismic c1z demo.c1z entitlements --resource-type group -o json",
      dir,
    );
    expect(listed.code).toBe(0);
    const entitlementIds = [...listed.stdout.matchAll(/"(group:[0-9a-f-]+:member)"/g)].map(
      (m) => m[1],
    );
    expect(entitlementIds.length).toBeGreaterThan(0);
    const users = await run(
      seismicBin,
      ["c1z", "demo.c1z", "resources", "--resource-type", "user", "-o", "json"],
      {},
      dir,
    );
    const userId = /"resource":\s*"([0-9a-f-]{36})"/.exec(users.stdout)?.[1];
    expect(userId).toBeDefined();

    expect(readme).toContain(
      'npx baton-seismic --demo --file demo.c1z --provisioning \\\n  --grant-entitlement "group:<group id>:member" --grant-principal "<user id>" --grant-principal-type user',
    );
    const granted = await run(
      seismicBin,
      [
        "--demo",
        "--file",
        "demo.c1z",
        "--provisioning",
        "--grant-entitlement",
        String(entitlementIds[0]),
        "--grant-principal",
        String(userId),
        "--grant-principal-type",
        "user",
      ],
      { BATON_LOG_LEVEL: "warn" },
      dir,
    );
    expect(granted.stderr).toBe("");
    expect(granted.code).toBe(0);
    expect(granted.stdout).toMatch(/^(granted|already granted)/);
  });

  it("actions: --list-action-schemas lists the user actions of the embedded tenant", async () => {
    const listed = await sh("npx baton-seismic --demo --list-action-schemas", dir);
    expect(listed.code).toBe(0);
    for (const name of ["enable_user", "disable_user", "update_user_profile"]) {
      expect(listed.stdout).toContain(`${name} (resource type user;`);
      expect(readme).toContain(`| \`${name}\` |`);
    }
  });

  it("actions: --invoke-action disable_user, with --provisioning as written, disables a demo user", async () => {
    const synced = await sh("npx baton-seismic --demo --file demo.c1z", dir);
    expect(synced.code).toBe(0);
    const users = await run(
      seismicBin,
      ["c1z", "demo.c1z", "resources", "--resource-type", "user", "-o", "json"],
      {},
      dir,
    );
    const listed = JSON.parse(users.stdout) as {
      resources: { id: { resource: string }; annotations: { profile?: { title?: string } }[] }[];
    };
    // Not the delegated user (the demo tenant's administrator): the action refuses that one.
    const user = listed.resources.find((r) =>
      r.annotations.every((a) => a.profile?.title !== "Seismic Administrator"),
    );
    expect(user).toBeDefined();
    const id = String(user?.id.resource);

    const example =
      'npx baton-seismic --demo --provisioning --invoke-action disable_user \\\n  --invoke-action-resource-type user --invoke-action-args \'{"user_id":"<user id>"}\'';
    expect(readme).toContain(example);
    // The shell's work: join the continued line, fill in the id, drop the quotes (no spaces inside).
    const r = await run(
      seismicBin,
      example
        .replace(/^npx baton-seismic /, "")
        .replace(" \\\n ", " ")
        .replace("<user id>", id)
        .replaceAll("'", "")
        .split(/\s+/),
      { BATON_LOG_LEVEL: "warn" },
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`disable_user: disabled user ${id}`);
  });

  it("access reviews: diff of two demo syncs, access and holders, and a dry-run grant", async () => {
    for (let i = 0; i < 2; i++) {
      expect((await run(seismicBin, ["--demo"], { BATON_LOG_LEVEL: "warn" }, dir)).code).toBe(0);
    }
    const diff = await sh("npx baton-seismic c1z sync.c1z diff", dir);
    expect(diff.stderr).toBe("");
    expect(diff.code).toBe(0);
    // The embedded tenant is the same every run.
    expect(diff.stdout).toContain("No changes");
    // A group that has members: the first group grant's entitlement.
    const grants = await run(
      seismicBin,
      ["c1z", "sync.c1z", "grants", "--resource-type", "group", "-o", "json"],
      {},
      dir,
    );
    const entitlement = /"id":\s*"(group:[0-9a-f-]+:member)"/.exec(grants.stdout)?.[1] ?? "";
    expect(readme).toContain(
      'npx baton-seismic c1z sync.c1z holders --entitlement "group:<group id>:member"',
    );
    const listed = await run(
      seismicBin,
      ["c1z", "sync.c1z", "holders", "--entitlement", entitlement, "-o", "json"],
      {},
      dir,
    );
    expect(listed.code).toBe(0);
    const holder = (JSON.parse(listed.stdout) as { holders: { id: string; email: string }[] })
      .holders[0];
    expect(readme).toContain(
      'npx baton-seismic c1z sync.c1z access --user "<user id, email or login>"',
    );
    const access = await run(
      seismicBin,
      ["c1z", "sync.c1z", "access", "--user", String(holder?.email)],
      {},
      dir,
    );
    expect(access.code).toBe(0);
    expect(access.stdout).toMatch(new RegExp(`\n${entitlement} +\\| Group member +\\|`));

    expect(readme).toContain(
      'npx baton-seismic --demo --file demo.c1z --dry-run \\\n  --grant-entitlement "group:<group id>:member" --grant-principal "<user id>" --grant-principal-type user',
    );
    const planned = await run(
      seismicBin,
      [
        "--demo",
        "--file",
        "sync.c1z",
        "--dry-run",
        "--grant-entitlement",
        entitlement,
        "--grant-principal",
        String(holder?.id),
        "--grant-principal-type",
        "user",
      ],
      { BATON_LOG_LEVEL: "warn" },
      dir,
    );
    expect(planned.stderr).toBe("");
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^dry run: nothing was changed\nread {3}GET /);
    expect(planned.stdout).toMatch(/nothing to do: no write is needed\n$/);
  });

  it("a simulated tenant: simulate prints flags, and the real-tenant environment variables sync it", async () => {
    expect(readme).toContain("npx baton-seismic simulate --users 500 --groups 30 --seed 7");
    const sim = start(
      seismicBin,
      ["simulate", "--users", "500", "--groups", "30", "--seed", "7"],
      {},
      dir,
    );
    try {
      await waitFor(
        sim.output,
        (o) => o.stdout.includes("--seismic-auth-url="),
        "simulate to print its flags",
      );
      const flags = Object.fromEntries(
        [...sim.output().stdout.matchAll(/--(seismic-[a-z-]+)=(\S+)/g)].map((m) => [m[1], m[2]]),
      );
      // "Connecting to a real Seismic tenant", step 4, with the simulator standing in for Seismic.
      const env = {
        BATON_SEISMIC_TENANT: String(flags["seismic-tenant"]),
        BATON_SEISMIC_CLIENT_ID: String(flags["seismic-client-id"]),
        BATON_SEISMIC_CLIENT_SECRET: String(flags["seismic-client-secret"]),
        BATON_SEISMIC_DELEGATION_USER_ID: String(flags["seismic-delegation-user-id"]),
        BATON_SEISMIC_API_URL: String(flags["seismic-api-url"]),
        BATON_SEISMIC_AUTH_URL: String(flags["seismic-auth-url"]),
      };
      const checked = await sh("npx baton-seismic doctor", dir, env);
      expect(checked.stderr).toBe("");
      expect(checked.code).toBe(0);
      expect(checked.stdout).toMatch(/Ready: a sync and provisioning should work/);
      const synced = await sh("npx baton-seismic --file sync.c1z", dir, env);
      expect(synced.stderr).toBe("");
      expect(synced.code).toBe(0);
      expect(synced.stdout).toMatch(/user 500\b|resources\s+\d+/);
    } finally {
      sim.child.kill("SIGINT");
      expect((await sim.done).code).toBe(0);
    }
  });

  it("before the first sync: doctor against the embedded tenant", async () => {
    const r = await sh("npx baton-seismic doctor --demo", dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Variant: group members +ok +members-endpoint/m);
    expect(r.stdout).toMatch(/Ready: a sync and provisioning should work/);
  });

  it("sidecar: serve, health, and a sync over --connector-addr", async () => {
    expect(readme).toContain("npx baton-seismic serve --listen 127.0.0.1:50051 --provisioning");
    expect(readme).toContain("npx baton-seismic health --addr 127.0.0.1:50051 --timeout 5");
    expect(readme).toContain("npx baton-seismic --connector-addr 127.0.0.1:50051 --file sync.c1z");
    // The README's fixed port may be taken on a test machine: the same commands on a free port.
    const server = start(
      seismicBin,
      ["serve", "--demo", "--listen", "127.0.0.1:0", "--provisioning"],
      { BATON_LOG_LEVEL: "warn" },
      dir,
    );
    try {
      await waitFor(
        server.output,
        (o) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(o.stdout),
        "serve to listen",
      );
      const addr = `127.0.0.1:${/127\.0\.0\.1:(\d+)/.exec(server.output().stdout)?.[1]}`;
      let health = await run(seismicBin, ["health", "--addr", addr, "--timeout", "5"], {}, dir);
      for (let i = 0; i < 300 && health.stdout.trim() !== "SERVING"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = await run(seismicBin, ["health", "--addr", addr, "--timeout", "5"], {}, dir);
      }
      expect(health.stdout.trim()).toBe("SERVING");
      expect(health.code).toBe(0);
      const remote = await run(
        seismicBin,
        ["--connector-addr", addr, "--file", "remote.c1z"],
        { BATON_LOG_LEVEL: "warn" },
        dir,
      );
      expect(remote.stderr).toBe("");
      expect(remote.code).toBe(0);
      expect(remote.stdout).toMatch(/grants\s+[1-9]\d*/);
    } finally {
      server.child.kill("SIGTERM");
      expect((await server.done).code).toBe(0);
    }
  });

  it("capabilities and config print their documents", async () => {
    const caps = await run(seismicBin, ["capabilities"], {}, dir);
    expect(caps.code).toBe(0);
    expect(JSON.parse(caps.stdout)["@type"]).toBe(
      "type.googleapis.com/c1.connector.v2.ConnectorCapabilities",
    );
    const config = await run(seismicBin, ["config"], {}, dir);
    expect(config.code).toBe(0);
    const names = (JSON.parse(config.stdout) as { fields: { name: string }[] }).fields.map(
      (f) => f.name,
    );
    for (const flag of readme.matchAll(/^\| `--(seismic-[a-z-]+)` \|/gm))
      expect(names).toContain(flag[1]);
  });
});

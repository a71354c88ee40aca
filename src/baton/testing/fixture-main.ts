#!/usr/bin/env node
import { runCli } from "../cli/run.js";
/**
 * The fixture connector behind the full Baton CLI harness, so end-to-end tests can run the real
 * binary shape (sync, serve, --connector-addr, provisioning) without Seismic. Test-only knobs come
 * from the environment: FIXTURE_USERS, FIXTURE_PAGE_SIZE, FIXTURE_DELAY_MS (per call) and
 * FIXTURE_TRACE=1 (one stderr line per list call: `trace <type> <method> <page token>`).
 */
import type { Connector, ResourceSyncer } from "../connector.js";
import { createFixtureConnector } from "./fixture-connector.js";

const env = process.env;
const delayMs = Number(env.FIXTURE_DELAY_MS ?? 0);

function make(): Connector {
  return createFixtureConnector({
    userCount: Number(env.FIXTURE_USERS ?? 5),
    pageSize: Number(env.FIXTURE_PAGE_SIZE ?? 2),
    ...(delayMs > 0 ? { beforeCall: () => new Promise<void>((r) => setTimeout(r, delayMs)) } : {}),
  });
}

/** Wraps list methods so each call is traced before it runs. */
function traced(connector: Connector): Connector {
  if (env.FIXTURE_TRACE !== "1") return connector;
  const syncers = connector.syncers.map((s): ResourceSyncer => {
    const t = s.resourceType.id;
    const line = (method: string, token: string) =>
      process.stderr.write(`trace ${t} ${method} ${token || "-"}\n`);
    return Object.assign(Object.create(s) as ResourceSyncer, {
      list: (
        parent: Parameters<ResourceSyncer["list"]>[0],
        page: Parameters<ResourceSyncer["list"]>[1],
        ctx: Parameters<ResourceSyncer["list"]>[2],
      ) => {
        line(`list${parent ? `@${parent.resource}` : ""}`, page.token);
        return s.list(parent, page, ctx);
      },
      entitlements: (
        r: Parameters<ResourceSyncer["entitlements"]>[0],
        page: Parameters<ResourceSyncer["entitlements"]>[1],
        ctx: Parameters<ResourceSyncer["entitlements"]>[2],
      ) => {
        line(`entitlements@${r.id?.resource}`, page.token);
        return s.entitlements(r, page, ctx);
      },
      grants: (
        r: Parameters<ResourceSyncer["grants"]>[0],
        page: Parameters<ResourceSyncer["grants"]>[1],
        ctx: Parameters<ResourceSyncer["grants"]>[2],
      ) => {
        line(`grants@${r.id?.resource}`, page.token);
        return s.grants(r, page, ctx);
      },
    });
  });
  return {
    ...connector,
    metadata: connector.metadata.bind(connector),
    validate: connector.validate.bind(connector),
    syncers,
  };
}

await runCli(
  {
    name: "baton-fixture",
    version: "0.0.0",
    description: "The Baton runtime's in-memory fixture connector (for tests).",
    fields: [],
    async create() {
      return { connector: traced(make()), close: async () => {} };
    },
    createForCapabilities: () => make(),
  },
  process.argv.slice(2),
);

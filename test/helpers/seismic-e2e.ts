// Shared pieces of the end-to-end suites that run the built baton-seismic binary against the
// simulator over loopback: the connector flags for a simulator, one-shot runs, call-count deltas,
// an HTTP proxy that records requests and issued tokens (and can corrupt answers), and the
// secret check.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { type RunResult, run, seismicBin, start, waitFor } from "./run-bin.js";

/** The simulator's call key of the token endpoint (auth origin: never faulted or rate limited). */
export const TOKEN_CALL = "POST /tenants/{tenant}/connect/token";

/** What the connector needs to reach a tenant; each field can be overridden per run. */
export interface Target {
  tenant: string;
  clientId: string;
  clientSecret: string;
  delegationUserId: string;
  apiUrl: string;
  authUrl: string;
}

export function targetOf(sim: Simulator, overrides: Partial<Target> = {}): Target {
  return {
    tenant: sim.tenant,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    delegationUserId: sim.delegationUserId,
    apiUrl: sim.apiUrl,
    authUrl: sim.authUrl,
    ...overrides,
  };
}

/** The connector's own flags for `t`. */
export function connectorFlags(t: Target): string[] {
  return [
    "--seismic-tenant",
    t.tenant,
    "--seismic-client-id",
    t.clientId,
    "--seismic-client-secret",
    t.clientSecret,
    "--seismic-delegation-user-id",
    t.delegationUserId,
    "--seismic-api-url",
    t.apiUrl,
    "--seismic-auth-url",
    t.authUrl,
  ];
}

/** Runs the binary once with the connector flags of `t` plus `args`. */
export function runSeismic(
  t: Target,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  return run(seismicBin, [...args, ...connectorFlags(t)], env);
}

/** Runs the binary and fails the test with its stderr when it does not exit 0. */
export async function runOk(
  t: Target,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const r = await runSeismic(t, args, env);
  if (r.code !== 0) {
    throw new Error(
      `baton-seismic ${args.join(" ")} exited ${r.code}:\n${r.stderr.slice(-4000)}\n${r.stdout}`,
    );
  }
  return r;
}

/** A running `serve` process and the address it listens on. */
export interface Served {
  address: string;
  output: () => { stdout: string; stderr: string };
  /** SIGTERM, then the exit result. */
  stop(): Promise<RunResult>;
}

/** Starts `serve --listen 127.0.0.1:0` with the connector flags of `t` plus `args`. */
export async function serveSeismic(t: Target, args: readonly string[]): Promise<Served> {
  const p = start(seismicBin, ["serve", "--listen", "127.0.0.1:0", ...args, ...connectorFlags(t)], {
    BATON_LOG_LEVEL: "warn",
  });
  let stopped: Promise<RunResult> | undefined;
  const stop = () => {
    if (!stopped) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
      stopped = p.done;
    }
    return stopped;
  };
  try {
    await waitFor(
      p.output,
      (o) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(o.stdout),
      "the server to listen",
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(p.output().stdout)?.[1];
  return { address: `127.0.0.1:${port}`, output: p.output, stop };
}

/** Calls per endpoint made between two snapshots of `sim.state.calls()` (non-zero ones only). */
export function callsSince(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of after) {
    const d = n - (before.get(k) ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** The writes (POST, PUT, PATCH, DELETE on the API origin) among `calls`. */
export function writes(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(calls).filter(([k]) => k !== TOKEN_CALL && !k.startsWith("GET ")),
  );
}

/** API-origin calls (everything but the token endpoint) in a `sim.state.calls()` map. */
export function apiCalls(calls: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [k, c] of calls) if (k !== TOKEN_CALL) n += c;
  return n;
}

/** A request the proxy forwarded. */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  path: string;
  body: string;
}

/** A loopback HTTP proxy in front of one simulator origin. */
export interface SimProxy {
  url: string;
  /** Every `access_token` seen in an answer. */
  tokens: Set<string>;
  /** Every request forwarded, in order (tests may clear it). */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * Rewrites an answer: gets the request (method, path and query) and the upstream body, returns
 * the body to send instead, or undefined to pass it through.
 */
export type Rewrite = (req: { method: string; url: URL }, body: string) => string | undefined;

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "host",
]);

/** Forwards every request to `target` (an origin), recording tokens and applying `rewrite`. */
export async function startProxy(target: string, rewrite?: Rewrite): Promise<SimProxy> {
  const tokens = new Set<string>();
  const requests: ProxiedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (!HOP_BY_HOP.has(k) && typeof v === "string") headers[k] = v;
        }
        const method = req.method ?? "GET";
        requests.push({
          method,
          path: req.url ?? "/",
          body: Buffer.concat(chunks).toString("utf8"),
        });
        const upstream = await fetch(`${target}${req.url ?? "/"}`, {
          method,
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        let text = await upstream.text();
        try {
          const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
          if (typeof token === "string") tokens.add(token);
        } catch {
          // Not JSON: nothing to record.
        }
        text = rewrite?.({ method, url: new URL(req.url ?? "/", target) }, text) ?? text;
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (!HOP_BY_HOP.has(k)) out[k] = v;
        });
        res.writeHead(upstream.status, out);
        res.end(text);
      } catch {
        res.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    requests,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Every form a secret could be written in: raw, URL-encoded, base64 and JSON-escaped. */
export function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Asserts that no secret (in any of its forms) and no bearer credential is in `text`. */
export function expectNoSecrets(text: string, secrets: Iterable<string>, what: string): void {
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      expect(text.includes(form), `${what} wrote a secret (${secret.slice(0, 4)}…)`).toBe(false);
    }
  }
  expect(text, what).not.toMatch(/bearer\s+[A-Za-z0-9._~+/-]{12,}/i);
  expect(text, what).not.toMatch(/client_secret=[^&\s"[]/);
}

/** The lines of stderr that are not JSON log records (the human-readable ones). */
export function plainLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("{"));
}

/** The JSON log records of stderr. */
export function logRecords(stderr: string): { level: number; msg: string; [k: string]: unknown }[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

// Test support: a scriptable fake of Seismic's HTTP surface (auth and API on one loopback
// server), a virtual clock and a recording logger. Used by the *.test.ts files of src/seismic.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../clock.js";
import type { SeismicLogger } from "../logger.js";

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/scim/v2/Users`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Requests to the same route kind (token or api) received before this one. */
  index: number;
}

/** What the fake answers: a response, or `"reset"` to destroy the connection. */
export type FakeReply =
  | {
      status?: number;
      headers?: Record<string, string>;
      json?: unknown;
      text?: string;
    }
  | "reset";

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/** The token response the fake gives by default: `tok-SECRET-<n>`, valid 3600 s. */
export const defaultTokenHandler: FakeHandler = (request) => ({
  json: { access_token: `tok-SECRET-${request.index + 1}`, expires_in: 3600, token_type: "Bearer" },
});

/** A loopback server faking Seismic's auth (`/tenants/…/connect/token`) and API routes. */
export class FakeSeismic {
  readonly requests: RecordedRequest[] = [];
  tokenHandler: FakeHandler = defaultTokenHandler;
  apiHandler: FakeHandler = () => ({ status: 404, json: { detail: "no route scripted" } });
  readonly #server: Server;
  #url = "";

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const isToken = /^\/tenants\/[^/]+\/connect\/token$/.test(url.pathname);
        const recorded: RecordedRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          index: this.requests.filter((r) => isTokenPath(r.path) === isToken).length,
        };
        this.requests.push(recorded);
        const handler = isToken ? this.tokenHandler : this.apiHandler;
        Promise.resolve(handler(recorded)).then(
          (reply) => {
            if (reply === "reset") {
              req.socket.destroy();
              return;
            }
            const text = reply.json === undefined ? (reply.text ?? "") : JSON.stringify(reply.json);
            res.writeHead(reply.status ?? 200, {
              "content-type": reply.json === undefined ? "text/plain" : "application/json",
              ...reply.headers,
            });
            res.end(text);
          },
          (error: unknown) => {
            res.writeHead(599);
            res.end(String(error));
          },
        );
      });
    });
  }

  /** Starts a fake on 127.0.0.1 (port 0 unless given). */
  static async start(port = 0): Promise<FakeSeismic> {
    const fake = new FakeSeismic();
    await new Promise<void>((resolve, reject) => {
      fake.#server.once("error", reject);
      fake.#server.listen(port, "127.0.0.1", () => resolve());
    });
    const { port: bound } = fake.#server.address() as AddressInfo;
    fake.#url = `http://127.0.0.1:${bound}`;
    return fake;
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.#url;
  }

  /** Requests to the token endpoint. */
  get tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => isTokenPath(r.path));
  }

  /** Requests to API routes. */
  get apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !isTokenPath(r.path));
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function isTokenPath(path: string): boolean {
  return /^\/tenants\/[^/]+\/connect\/token$/.test(path);
}

/** A port that was free a moment ago (for connection-refused tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A virtual clock: `sleep` records the delay, advances time at once and runs `onSleep`. */
export class FakeClock implements Clock {
  time = 1_700_000_000_000;
  readonly sleeps: number[] = [];
  onSleep: ((ms: number) => void | Promise<void>) | undefined;

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
    await this.onSleep?.(ms);
  }

  /** Moves time forward without a sleep. */
  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * A virtual clock whose time moves only when the test calls {@link ManualClock.runAll}: sleepers
 * wait in a queue and are woken in time order. Use it to observe concurrent code at exact times.
 */
export class ManualClock implements Clock {
  time = 1_700_000_000_000;
  readonly #timers: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve) => {
      this.#timers.push({ at: this.time + ms, wake: resolve });
    });
  }

  /** Wakes sleepers in time order until none is left after the program settles. */
  async runAll(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.#timers.length === 0) return;
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers.shift();
      if (!next) return;
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
  }
}

/** One logger call. */
export interface LogCall {
  level: "debug" | "info" | "warn";
  fields: object;
  message: string | undefined;
}

/** A logger that records every call, for assertions (including "no secret was logged"). */
export class RecordingLogger implements SeismicLogger {
  readonly calls: LogCall[] = [];
  debug(fields: object, message?: string): void {
    this.calls.push({ level: "debug", fields, message });
  }
  info(fields: object, message?: string): void {
    this.calls.push({ level: "info", fields, message });
  }
  warn(fields: object, message?: string): void {
    this.calls.push({ level: "warn", fields, message });
  }
}

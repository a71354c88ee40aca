/**
 * The HTTP health endpoints of service mode, for orchestrator
 * probes: `/live` answers 200 `alive` while the process runs, `/ready` 200 `ready` once the
 * connector is up, and `/health` runs the connector's Validate (30 s timeout) and answers 200
 * `{"status":"healthy",…}` or 503 `{"status":"unhealthy",…}` with the reason. It starts only
 * after ConductorOne accepted the start-up Hello.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConnectError } from "@connectrpc/connect";
import { UsageError } from "../errors.js";
import type { ConnectorClients } from "../sync/clients.js";

const VALIDATE_TIMEOUT_MS = 30_000;

export interface HealthServer {
  /** `host:port` actually bound (the real port when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
}

/** Listens on `bind:port`; a port that cannot be bound is a UsageError naming the flag. */
export async function startHealthServer(
  clients: Pick<ConnectorClients, "connector">,
  bind: string,
  port: number,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (path === "/live") return send(200, "text/plain", "alive");
    if (path === "/ready") return send(200, "text/plain", "ready");
    if (path !== "/health") return send(404, "text/plain", "not found");
    clients.connector.validate({}, { timeoutMs: VALIDATE_TIMEOUT_MS }).then(
      () =>
        send(
          200,
          "application/json",
          JSON.stringify({ status: "healthy", timestamp: new Date().toISOString() }),
        ),
      (e: unknown) => {
        const err = ConnectError.from(e);
        send(
          503,
          "application/json",
          JSON.stringify({
            status: "unhealthy",
            details: { error: "connector validation failed", validation_error: err.rawMessage },
          }),
        );
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new UsageError(
          `--health-check-port ${port} on --health-check-bind-address ${bind}: cannot listen (${e.code ?? e.message})`,
          1,
        ),
      ),
    );
    server.listen(port, bind, () => resolve());
  });
  const info = server.address() as AddressInfo;
  const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
  return {
    address: `${host}:${info.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

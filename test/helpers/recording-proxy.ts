// A loopback HTTP proxy in front of one simulator origin that records every request it forwards
// (method, path with query, body) in order, so a test can compare the calls a run made with the
// calls a dry run planned.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const SKIPPED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
]);

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const method = req.method ?? "GET";
        const body = Buffer.concat(chunks);
        requests.push({ method, path: req.url ?? "/", body: body.toString("utf8") });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (!SKIPPED.has(k) && typeof v === "string") headers[k] = v;
        }
        const upstream = await fetch(`${target}${req.url ?? "/"}`, {
          method,
          headers,
          ...(body.length > 0 ? { body } : {}),
        });
        const text = Buffer.from(await upstream.arrayBuffer());
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (!SKIPPED.has(k) && k !== "content-encoding") out[k] = v;
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
    requests,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

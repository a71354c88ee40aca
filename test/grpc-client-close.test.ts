// A client that closes its HTTP/2 connection the way grpc-go does (GOAWAY with a client stream
// id, then the socket closes) is routine: logged at debug, not as a warning. A connection that
// breaks while a call is in flight is still a warning.
import { connect as connectHttp2 } from "node:http2";
import { connect, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { BatonLogger } from "../src/baton/logger.js";
import { type RunningServer, startServer } from "../src/baton/server.js";
import { createFixtureConnector } from "../src/baton/testing/fixture-connector.js";
import { waitFor } from "./helpers/run-bin.js";

class RecordingLogger implements BatonLogger {
  readonly lines: { level: string; message: string }[] = [];
  debug(_f: object, message = "") {
    this.lines.push({ level: "debug", message });
  }
  info(_f: object, message = "") {
    this.lines.push({ level: "info", message });
  }
  warn(_f: object, message = "") {
    this.lines.push({ level: "warn", message });
  }
  error(_f: object, message = "") {
    this.lines.push({ level: "error", message });
  }
  about(level: string) {
    return this.lines
      .filter((l) => l.level === level && l.message.includes("HTTP/2"))
      .map((l) => l.message);
  }
}

/** An HTTP/2 frame: 9-byte header and payload. */
function frame(type: number, stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

/** grpc-go's closing GOAWAY: last-stream-id 1, NO_ERROR, "client transport shutdown". */
function goAway(): Buffer {
  const ids = Buffer.alloc(8);
  ids.writeUInt32BE(1, 0);
  return frame(7, 0, Buffer.concat([ids, Buffer.from("client transport shutdown")]));
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close(false);
  server = undefined;
});

async function serveWith(logger: RecordingLogger): Promise<number> {
  server = await startServer({
    connector: createFixtureConnector(),
    listen: "127.0.0.1:0",
    logger,
  });
  await server.validated;
  return server.address.port;
}

describe("a client closing its connection", () => {
  it("is not a warning when no call is in flight", async () => {
    const logger = new RecordingLogger();
    const port = await serveWith(logger);
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((r) => socket.once("connect", () => r()));
    // The preface, empty SETTINGS, then the GOAWAY and the close.
    socket.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    socket.write(frame(4, 0, Buffer.alloc(0)));
    socket.end(goAway());
    await waitFor(
      () => ({ stdout: logger.about("debug").join("\n"), stderr: "" }),
      (o) => o.stdout.includes("client closed its HTTP/2 connection"),
      "the session to end",
    );
    expect(logger.about("warn")).toEqual([]);
  });

  it("is a warning when it breaks off a call", async () => {
    const logger = new RecordingLogger();
    const port = await serveWith(logger);
    let socket: Socket | undefined;
    const session = connectHttp2(`http://127.0.0.1:${port}`, {
      createConnection: () => {
        socket = connect(port, "127.0.0.1");
        return socket;
      },
    });
    session.on("error", () => {});
    // Health/Watch streams until the client goes: a call that stays in flight.
    const stream = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Watch",
      "content-type": "application/grpc",
      te: "trailers",
    });
    stream.on("error", () => {});
    const answered = new Promise<void>((r) => stream.once("data", () => r()));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    await answered;
    // The same GOAWAY, written under the client's HTTP/2 stack while the Watch is open.
    Socket.prototype.write.call(socket as Socket, goAway());
    await waitFor(
      () => ({ stdout: logger.about("warn").join("\n"), stderr: "" }),
      (o) => o.stdout.includes("HTTP/2 session error"),
      "the broken call to be reported",
    );
    session.destroy();
  });
});

// A fake ConductorOne control plane for service-mode tests:
// one TLS port (throwaway CA, ALPN h2 and http/1.1) serving POST /auth/v1/token and
// c1.connectorapi.baton.v1.BatonService. Tasks are queued by the test; heartbeats, Hello and
// GetTask answers and upload resets are scriptable; every call is recorded with a monotonic
// time, its authorization and its decoded request; uploads are reassembled and checked.
import { createHash } from "node:crypto";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { create, createRegistry, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { c1zTypeRegistry } from "../../../src/baton/c1z/type-registry.js";
import {
  BatonService,
  type BatonServiceFinishTaskRequest,
  BatonServiceFinishTaskRequestSchema,
  type BatonServiceHeartbeatRequest,
  type BatonServiceHelloRequest,
  BatonServiceHelloRequestSchema,
  TaskSchema,
} from "../../../src/gen/c1/connectorapi/baton/v1/baton_pb.js";
import { file_google_rpc_error_details } from "../../../src/gen/google/rpc/error_details_pb.js";
import { makeTestCertificates, type TestCertificates } from "../../test-certificates.js";
import { makeC1Credentials, type TestC1Credentials } from "./credentials.js";
import { handleToken, newTokenState, type TokenEndpointState } from "./token-endpoint.js";

export type TaskInit = MessageInitShape<typeof TaskSchema>;

/** One scripted GetTask answer. */
export type PollAnswer =
  /** `unknownType` adds a task_type field of that number the client cannot know. */
  | { task: TaskInit; nextPollMs?: number; unknownType?: number }
  | { error: Code }
  | { idle: true; nextPollMs?: number };

/** A heartbeat answer for a task's n-th beat (1-based). */
export type BeatAnswer = { cancelled?: boolean; nextHeartbeatMs?: number; error?: Code };

export interface RecordedCall {
  t: number;
  method: string;
  authorization: string;
  userAgent: string;
  /** The decoded request (the first message for UploadAsset). */
  request: unknown;
}

export interface Upload {
  taskId: string;
  hostId: string;
  chunkSizes: number[];
  bytes: Buffer;
  checksumOk: boolean;
  /** Whether the fake broke this attempt off on purpose. */
  reset: boolean;
  t: number;
}

export interface FakeC1Options {
  tokenExpiresIn?: number;
  /** next_poll of an idle answer (default 100 ms). */
  idlePollMs?: number;
  /** Answer for beat n of a task (default: next_heartbeat 1 s). */
  heartbeat?: (taskId: string, n: number) => BeatAnswer;
  /** Called when a heartbeat arrives, before it is answered (e.g. to snapshot the tenant). */
  onHeartbeat?: (req: BatonServiceHeartbeatRequest, n: number) => void;
}

export interface FakeC1 {
  readonly port: number;
  readonly apiHost: string;
  readonly creds: TestC1Credentials;
  readonly certs: TestCertificates;
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly token: TokenEndpointState;
  readonly calls: RecordedCall[];
  readonly hellos: BatonServiceHelloRequest[];
  readonly finishes: { t: number; request: BatonServiceFinishTaskRequest }[];
  /** Tasks handed out by GetTask, in order. */
  readonly handedOut: { t: number; taskId: string }[];
  readonly uploads: Upload[];
  readonly beats: Map<string, number>;
  /** Problems the fake saw: bad tokens, bad uploads, bad ids. */
  readonly violations: string[];
  /** Errors to answer the next Hellos with. */
  helloErrors: Code[];
  /** Upload attempts to break off, per task id. */
  uploadResets: Map<string, number>;
  options: FakeC1Options;
  /** Queues GetTask answers (served in order; idle when empty). */
  enqueue(...answers: PollAnswer[]): void;
  /** Resolves when `predicate` holds (polls every 10 ms). */
  waitFor(predicate: () => boolean, what: string, limitMs?: number): Promise<void>;
  /** The environment that points a binary at this fake. */
  env(): Record<string, string>;
  /** A fresh 27-character task id. */
  taskId(): string;
  close(): Promise<void>;
}

/** Every type a recorded request can carry in an Any, for toJson. */
export const fakeC1Registry = createRegistry(c1zTypeRegistry, file_google_rpc_error_details);
const registry = fakeC1Registry;

const ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TASK_ID = /^[a-zA-Z0-9]{27}$/;
const CHUNK = 512 * 1024;

export async function startFakeC1(options: FakeC1Options = {}): Promise<FakeC1> {
  const certs = makeTestCertificates();
  const creds = makeC1Credentials();
  const token = newTokenState(options.tokenExpiresIn ?? 3600);
  const queue: PollAnswer[] = [];
  let nextId = 0;
  const fake = {
    creds,
    certs,
    caFile: `${certs.dir}/ca.crt`,
    token,
    calls: [] as RecordedCall[],
    hellos: [] as BatonServiceHelloRequest[],
    finishes: [] as { t: number; request: BatonServiceFinishTaskRequest }[],
    handedOut: [] as { t: number; taskId: string }[],
    uploads: [] as Upload[],
    beats: new Map<string, number>(),
    violations: [] as string[],
    helloErrors: [] as Code[],
    uploadResets: new Map<string, number>(),
    options,
  };

  /** Records a call and checks its token: known, unexpired. */
  const record = (method: string, ctx: HandlerContext, request: unknown) => {
    const authorization = ctx.requestHeader.get("authorization") ?? "";
    fake.calls.push({
      t: performance.now(),
      method,
      authorization,
      userAgent: ctx.requestHeader.get("user-agent") ?? "",
      request,
    });
    const value = authorization.replace(/^Bearer /, "");
    const issued = token.issued.find((t) => t.value === value);
    if (!authorization.startsWith("Bearer ") || !issued) {
      fake.violations.push(`${method} without a known token`);
      throw new ConnectError("unknown token", Code.Unauthenticated);
    }
    if (performance.now() > issued.expiresAt) {
      fake.violations.push(`${method} with an expired token`);
      throw new ConnectError("expired token", Code.Unauthenticated);
    }
  };
  const json = (schema: Parameters<typeof toJson>[0], m: Parameters<typeof toJson>[1]) => {
    try {
      return toJson(schema, m, { registry });
    } catch (e) {
      fake.violations.push(`cannot print a ${schema.typeName}: ${String(e)}`);
      return {};
    }
  };

  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    routes: (router) =>
      router.service(BatonService, {
        async hello(req, ctx) {
          record("Hello", ctx, json(BatonServiceHelloRequestSchema, req));
          fake.hellos.push(req);
          const err = fake.helloErrors.shift();
          if (err !== undefined) throw new ConnectError("scripted Hello failure", err);
          return {};
        },
        async getTask(req, ctx) {
          record("GetTask", ctx, { hostId: req.hostId });
          const a = queue.shift() ?? { idle: true };
          if ("error" in a) throw new ConnectError("scripted GetTask failure", a.error);
          const nextPoll = durationFromMs(
            "task" in a ? (a.nextPollMs ?? 0) : (a.nextPollMs ?? options.idlePollMs ?? 100),
          );
          if (!("task" in a)) return { nextPoll };
          const task = create(TaskSchema, a.task);
          if (a.unknownType !== undefined) {
            // An empty message in a field this build has never heard of.
            task.$unknown = [
              { no: a.unknownType, wireType: WireType.LengthDelimited, data: new Uint8Array([0]) },
            ];
          }
          fake.handedOut.push({ t: performance.now(), taskId: task.id });
          return { task, nextPoll };
        },
        async getTasks() {
          throw new ConnectError("not served by the fake", Code.Unimplemented);
        },
        async heartbeat(req, ctx) {
          record("Heartbeat", ctx, { hostId: req.hostId, taskId: req.taskId });
          if (!TASK_ID.test(req.taskId)) fake.violations.push(`Heartbeat task id ${req.taskId}`);
          const n = (fake.beats.get(req.taskId) ?? 0) + 1;
          fake.beats.set(req.taskId, n);
          options.onHeartbeat?.(req, n);
          const a = options.heartbeat?.(req.taskId, n) ?? { nextHeartbeatMs: 1000 };
          if (a.error !== undefined) throw new ConnectError("scripted heartbeat failure", a.error);
          return {
            cancelled: a.cancelled ?? false,
            nextHeartbeat: durationFromMs(a.nextHeartbeatMs ?? 1000),
          };
        },
        async finishTask(req, ctx) {
          record("FinishTask", ctx, json(BatonServiceFinishTaskRequestSchema, req));
          if (!TASK_ID.test(req.taskId)) fake.violations.push(`FinishTask task id ${req.taskId}`);
          fake.finishes.push({ t: performance.now(), request: req });
          return {};
        },
        async uploadAsset(messages, ctx) {
          let upload: Upload | undefined;
          const parts: Buffer[] = [];
          let eof: Uint8Array | undefined;
          for await (const m of messages) {
            if (!upload) {
              if (m.msg.case !== "metadata") {
                fake.violations.push("UploadAsset did not start with metadata");
                throw new ConnectError("metadata first", Code.InvalidArgument);
              }
              record("UploadAsset", ctx, {
                hostId: m.msg.value.hostId,
                taskId: m.msg.value.taskId,
              });
              upload = {
                taskId: m.msg.value.taskId,
                hostId: m.msg.value.hostId,
                chunkSizes: [],
                bytes: Buffer.alloc(0),
                checksumOk: false,
                reset: false,
                t: performance.now(),
              };
              fake.uploads.push(upload);
              continue;
            }
            if (m.msg.case === "data") {
              if (eof) fake.violations.push("data after eof");
              upload.chunkSizes.push(m.msg.value.data.length);
              parts.push(Buffer.from(m.msg.value.data));
              const resets = fake.uploadResets.get(upload.taskId) ?? 0;
              if (resets > 0) {
                fake.uploadResets.set(upload.taskId, resets - 1);
                upload.reset = true;
                throw new ConnectError("scripted upload reset", Code.Unavailable);
              }
            } else if (m.msg.case === "eof") {
              eof = m.msg.value.sha256Checksum;
            } else {
              fake.violations.push(`UploadAsset: unexpected ${m.msg.case}`);
            }
          }
          if (!upload) throw new ConnectError("empty upload", Code.InvalidArgument);
          upload.bytes = Buffer.concat(parts);
          const sizes = upload.chunkSizes;
          sizes.forEach((s, i) => {
            if (s < 1 || s > 1024 * 1024 || (i < sizes.length - 1 && s !== CHUNK))
              fake.violations.push(`UploadAsset chunk ${i} has ${s} bytes`);
          });
          const sum = createHash("sha256").update(upload.bytes).digest();
          upload.checksumOk = eof !== undefined && Buffer.from(eof).equals(sum);
          if (!upload.checksumOk) fake.violations.push("UploadAsset checksum mismatch");
          return {};
        },
        async startDebugging() {
          return { status: false };
        },
      }),
  });

  const server: Http2SecureServer = createSecureServer(
    { cert: certs.serverCert, key: certs.serverKey, allowHTTP1: true },
    (req, res) => {
      if (req.url === "/auth/v1/token" && req.method === "POST")
        return handleToken(req, res, creds, token);
      handler(req, res);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const sessions = new Set<import("node:http2").ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
    s.on("error", () => {});
  });
  server.on("tlsClientError", () => {});

  return Object.assign(fake, {
    port,
    apiHost: `localhost:${port}`,
    enqueue: (...answers: PollAnswer[]) => {
      queue.push(...answers);
    },
    waitFor: async (predicate: () => boolean, what: string, limitMs = 20_000) => {
      const start = Date.now();
      while (!predicate()) {
        if (Date.now() - start > limitMs) throw new Error(`fake C1: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    env: () => ({
      BATON_CLIENT_ID: creds.clientId,
      BATON_CLIENT_SECRET: creds.clientSecret,
      BATON_C1_API_HOST: `localhost:${port}`,
      NODE_EXTRA_CA_CERTS: `${certs.dir}/ca.crt`,
    }),
    taskId: () => {
      nextId++;
      const tail = nextId.toString(36).padStart(6, "0");
      let head = "";
      for (let i = 0; i < 21; i++) head += ID_CHARS[(nextId * 7 + i * 13) % ID_CHARS.length];
      return `${head}${tail}`;
    },
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sessions) s.destroy();
      await closed;
      certs.remove();
    },
  });
}

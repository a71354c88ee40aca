/**
 * An in-memory BatonService for unit tests of the service-mode loops: each RPC is answered by a
 * function the test supplies (default: a plain OK), and a recording sleep stands in for timers,
 * so backoff and heartbeat schedules are checked without waiting.
 */
import { createRouterTransport, type ServiceImpl } from "@connectrpc/connect";
import { BatonService } from "../../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import type { Sleep } from "../../retry.js";
import { BatonApi } from "../baton-api.js";

/** A BatonApi over an in-memory router serving `impl`. */
export function memoryBaton(impl: Partial<ServiceImpl<typeof BatonService>>, sleep?: Sleep) {
  const transport = createRouterTransport((router) =>
    router.service(BatonService, {
      hello: async () => ({}),
      getTask: async () => ({}),
      getTasks: async () => ({}),
      heartbeat: async () => ({}),
      finishTask: async () => ({}),
      uploadAsset: async (messages) => {
        for await (const _ of messages) {
          // Drain.
        }
        return {};
      },
      startDebugging: async () => ({}),
      ...impl,
    }),
  );
  return new BatonApi(transport, "host-1", sleep);
}

/** A sleep that returns at once and records each wait; it rejects once `signal` aborted. */
export function recordingSleep() {
  const waits: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    waits.push(ms);
    // Yield, so concurrently running work (tasks, heartbeats) makes progress between waits.
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw signal.reason;
  };
  return { waits, sleep };
}

/** A logger that keeps its records. */
export function memoryLogger() {
  const records: { level: string; fields: object; msg: string }[] = [];
  const at = (level: string) => (fields: object, msg?: string) => {
    records.push({ level, fields, msg: msg ?? "" });
  };
  return { records, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

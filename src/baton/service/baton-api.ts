/**
 * The calls service mode makes to `c1.connectorapi.baton.v1.BatonService`, each stamped with the
 * host id, as the Go SDK stamps them. Durations become milliseconds here, so the loops
 * above deal in numbers. FinishTask runs on its own timeout, detached from the task's
 * cancellation, so a cancelled task can still be reported.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import type { ConnectorMetadata } from "../../gen/c1/connector/v2/connector_pb.js";
import {
  BatonService,
  type BatonServiceHelloRequest_BuildInfoSchema,
  type BatonServiceHelloRequest_OSInfoSchema,
  type BatonServiceUploadAssetRequestSchema,
  type Task,
} from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { realSleep, type Sleep } from "../retry.js";
import { finishFields, type TaskOutcome } from "./task-outcome.js";

/** FinishTask's own deadline (Go: 30 s, one attempt). */
const FINISH_TIMEOUT_MS = 30_000;
/** Waits before FinishTask attempts 2 and 3, only after Unavailable (nothing reached C1). */
const FINISH_RETRY_WAITS_MS = [1_000, 2_000];
/** Deadline of the other unary calls, so a silent server cannot stall the loop forever. */
const CALL_TIMEOUT_MS = 60_000;

/** Milliseconds of a protobuf Duration; absent is 0. */
export function durationMs(d: Duration | undefined): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + Math.floor(d.nanos / 1_000_000);
}

/** What Hello says besides the host and task ids. */
export interface HelloBody {
  buildInfo: MessageInitShape<typeof BatonServiceHelloRequest_BuildInfoSchema>;
  osInfo: MessageInitShape<typeof BatonServiceHelloRequest_OSInfoSchema>;
  connectorMetadata: ConnectorMetadata;
}

/** Upload messages as the client sends them. */
export type UploadMessage = MessageInitShape<typeof BatonServiceUploadAssetRequestSchema>;

export class BatonApi {
  private readonly client: Client<typeof BatonService>;

  constructor(
    transport: Transport,
    readonly hostId: string,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.client = createClient(BatonService, transport);
  }

  /** Hello with an empty task id at start-up, or the id of a `hello` task. */
  async hello(taskId: string, body: HelloBody, signal?: AbortSignal): Promise<void> {
    await this.client.hello(
      { hostId: this.hostId, taskId, ...body },
      { signal, timeoutMs: CALL_TIMEOUT_MS },
    );
  }

  /** The next task, if any, and how long to wait before asking again. */
  async getTask(signal?: AbortSignal): Promise<{ task: Task | undefined; nextPollMs: number }> {
    const r = await this.client.getTask(
      { hostId: this.hostId },
      { signal, timeoutMs: CALL_TIMEOUT_MS },
    );
    return { task: r.task, nextPollMs: durationMs(r.nextPoll) };
  }

  async heartbeat(
    taskId: string,
    signal?: AbortSignal,
  ): Promise<{ cancelled: boolean; nextHeartbeatMs: number }> {
    const r = await this.client.heartbeat(
      { hostId: this.hostId, taskId },
      { signal, timeoutMs: CALL_TIMEOUT_MS },
    );
    return { cancelled: r.cancelled, nextHeartbeatMs: durationMs(r.nextHeartbeat) };
  }

  /**
   * Reports a task's outcome. Go makes one attempt; this retries twice after Unavailable, when
   * the call did not reach C1, so a dropped connection does not lose the outcome.
   */
  async finishTask(
    taskId: string,
    outcome: Exclude<TaskOutcome, { kind: "unreported" }>,
  ): Promise<void> {
    const request = { hostId: this.hostId, taskId, ...finishFields(outcome) };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.finishTask(request, { timeoutMs: FINISH_TIMEOUT_MS });
        return;
      } catch (e) {
        const wait = FINISH_RETRY_WAITS_MS[attempt];
        if (ConnectError.from(e).code !== Code.Unavailable || wait === undefined) throw e;
        await this.sleep(wait);
      }
    }
  }

  /** One UploadAsset stream: `messages` yields metadata, data chunks and eof. */
  async uploadAsset(messages: AsyncIterable<UploadMessage>, signal?: AbortSignal): Promise<void> {
    await this.client.uploadAsset(messages, { signal });
  }
}

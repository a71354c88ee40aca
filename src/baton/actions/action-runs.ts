/**
 * The actions this server has started, by id, as the Go SDK's action manager keeps them: each
 * runs on its own (a caller that stops waiting does not cancel it, an hour is its limit) and its
 * status, response and annotations stay queryable by GetActionStatus. A failure is FAILED with
 * the reason in the response's `error`, as in Go. At most `max` are kept; the oldest finished
 * ones go first.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { BatonActionStatus } from "../../gen/c1/connector/v2/action_pb.js";
import { newKsuid } from "../c1z/ksuid.js";
import type { ActionResult } from "../connector.js";
import { toConnectorError } from "../errors.js";

/** How long an action may run (Go's handler timeout). */
export const ACTION_TIMEOUT_MS = 60 * 60 * 1000;

/** Go's limit on remembered actions. */
const MAX_ACTIONS = 1000;

export interface ActionState {
  readonly id: string;
  readonly name: string;
  status: BatonActionStatus;
  response: JsonObject | undefined;
  annotations: Any[];
  /** Settles (never rejects) when the action has finished. */
  readonly done: Promise<void>;
}

const finished = (s: BatonActionStatus) =>
  s === BatonActionStatus.COMPLETE || s === BatonActionStatus.FAILED;

export class ActionRuns {
  readonly #runs = new Map<string, ActionState>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly max = MAX_ACTIONS,
  ) {}

  /** Starts `run` as action `name` and returns its state (RUNNING until it settles). */
  start(name: string, run: (signal: AbortSignal) => Promise<ActionResult>): ActionState {
    const signal = AbortSignal.timeout(ACTION_TIMEOUT_MS);
    const state: { -readonly [K in keyof ActionState]: ActionState[K] } = {
      id: newKsuid(this.now()),
      name,
      status: BatonActionStatus.RUNNING,
      response: undefined,
      annotations: [],
      done: Promise.resolve(),
    };
    state.done = Promise.resolve()
      .then(() => run(signal))
      .then(
        (result) => {
          state.status = BatonActionStatus.COMPLETE;
          state.response = result.response;
          state.annotations = result.annotations ?? [];
        },
        (e: unknown) => {
          state.status = BatonActionStatus.FAILED;
          state.response = { error: toConnectorError(e).rawMessage };
        },
      );
    this.#runs.set(state.id, state);
    this.#evict();
    return state;
  }

  get(id: string): ActionState | undefined {
    return this.#runs.get(id);
  }

  #evict(): void {
    let excess = this.#runs.size - this.max;
    for (const [id, s] of this.#runs) {
      if (excess <= 0) break;
      if (finished(s.status)) {
        this.#runs.delete(id);
        excess--;
      }
    }
  }
}

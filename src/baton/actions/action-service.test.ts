// ActionService over a connector's declared actions: a slow action answers RUNNING with its id
// and keeps running after the call returns; GetActionStatus then reports COMPLETE, or FAILED with
// the reason in `error`; inline_wait bounds the wait; declarations Go's registry refuses are
// refused at start-up.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ActionType, BatonActionStatus } from "../../gen/c1/connector/v2/action_pb.js";
import { ResourceTypeSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import type { ActionResult, Connector, ResourceAction } from "../connector.js";
import { Code, ConnectError } from "../errors.js";
import { connectorClients, inProcessTransport } from "../sync/clients.js";
import { declaredActions } from "./action-service.js";

/** An action whose runs finish when the test says so. */
function gatedAction(name: string, types: ActionType[] = []) {
  const gates: { resolve: (r: ActionResult) => void; reject: (e: unknown) => void }[] = [];
  const action: ResourceAction = {
    schema: {
      name,
      arguments: [
        {
          name: "thing_id",
          isRequired: true,
          field: { case: "resourceIdField", value: {} },
        },
        { name: "note", field: { case: "stringField", value: {} } },
      ],
      actionType: types,
    },
    prepare: (args) => () =>
      new Promise<ActionResult>((resolve, reject) => {
        gates.push({
          resolve: (r) => resolve({ ...r, response: { ...r.response, args } }),
          reject,
        });
      }),
  };
  return { action, gates };
}

function connectorWith(...actions: ResourceAction[]): Connector {
  return {
    metadata: async () => ({ displayName: "test" }),
    validate: async () => [],
    syncers: [
      {
        resourceType: create(ResourceTypeSchema, { id: "thing", displayName: "Thing" }),
        list: async () => ({ items: [] }),
        entitlements: async () => ({ items: [] }),
        grants: async () => ({ items: [] }),
        actions,
      },
    ],
  };
}

/** Clients whose InvokeAction never waits (the sleep that bounds the wait returns at once). */
function impatientClients(connector: Connector, waits: number[]) {
  return connectorClients(
    inProcessTransport(connector, {
      provisioning: true,
      sleep: async (ms) => {
        waits.push(ms);
      },
    }),
  );
}

describe("ActionService", () => {
  it("answers RUNNING for a slow action, then reports COMPLETE with its response", async () => {
    const { action, gates } = gatedAction("poke");
    const waits: number[] = [];
    const clients = impatientClients(connectorWith(action), waits);
    const res = await clients.actions.invokeAction({
      name: "poke",
      args: { thing_id: "t1", note: "hi" },
    });
    expect(res).toMatchObject({ name: "poke", status: BatonActionStatus.RUNNING });
    expect(res.id).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(waits).toEqual([1_000]);
    const running = await clients.actions.getActionStatus({ id: res.id });
    expect(running.status).toBe(BatonActionStatus.RUNNING);

    gates[0]?.resolve({ response: { ok: true } });
    await new Promise((r) => setImmediate(r));
    const done = await clients.actions.getActionStatus({ id: res.id });
    expect(done.status).toBe(BatonActionStatus.COMPLETE);
    // The action saw its arguments checked and normalised.
    expect(done.response).toEqual({
      ok: true,
      args: { thing_id: { resource_type_id: "thing", resource_id: "t1" }, note: "hi" },
    });
  });

  it("reports a failed action as FAILED with the reason in error", async () => {
    const { action, gates } = gatedAction("poke");
    const clients = impatientClients(connectorWith(action), []);
    const res = await clients.actions.invokeAction({ name: "poke", args: { thing_id: "t1" } });
    gates[0]?.reject(new ConnectError("the thing is broken", Code.Unavailable));
    await new Promise((r) => setImmediate(r));
    const status = await clients.actions.getActionStatus({ id: res.id });
    expect(status.status).toBe(BatonActionStatus.FAILED);
    expect(status.response).toEqual({ error: "the thing is broken" });
  });

  it("waits as long as inline_wait asks, up to the action's one-hour limit", async () => {
    const { action } = gatedAction("poke");
    const waits: number[] = [];
    const clients = impatientClients(connectorWith(action), waits);
    const args = { thing_id: "t1" };
    await clients.actions.invokeAction({
      name: "poke",
      args,
      inlineWait: { seconds: 5n, nanos: 500_000_000 },
    });
    await clients.actions.invokeAction({ name: "poke", args, inlineWait: { seconds: 86_400n } });
    expect(waits).toEqual([5_500, 3_600_000]);
    const err = ConnectError.from(
      await clients.actions
        .invokeAction({ name: "poke", args, inlineWait: { seconds: 86_401n } })
        .catch((e: unknown) => e),
    );
    expect(err.rawMessage).toBe(
      "invalid InvokeActionRequest.inline_wait: must be at most 86400 seconds",
    );
  });

  it("answers NotFound for an unknown action id or name", async () => {
    const clients = impatientClients(connectorWith(gatedAction("poke").action), []);
    for (const call of [
      () => clients.actions.getActionStatus({ id: "nope" }),
      () => clients.actions.getActionSchema({ name: "prod" }),
    ]) {
      const err = ConnectError.from(await call().catch((e: unknown) => e));
      expect(err.code).toBe(Code.NotFound);
    }
  });

  it("refuses declarations Go's registry refuses: a name twice, an action type twice", () => {
    expect(() =>
      declaredActions(connectorWith(gatedAction("poke").action, gatedAction("poke").action)),
    ).toThrow(/declares action "poke" twice/);
    expect(() =>
      declaredActions(
        connectorWith(
          gatedAction("off", [ActionType.ACCOUNT_DISABLE]).action,
          gatedAction("lock", [ActionType.ACCOUNT_DISABLE]).action,
        ),
      ),
    ).toThrow(/share action type ACCOUNT_DISABLE/);
    expect(
      declaredActions(
        connectorWith(
          gatedAction("a", [ActionType.DYNAMIC]).action,
          gatedAction("b", [ActionType.DYNAMIC]).action,
        ),
      ).map((d) => d.schema.name),
    ).toEqual(["a", "b"]);
  });
});

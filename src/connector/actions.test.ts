// The user actions against the simulator, through the runtime's ActionService: schemas as Go
// declares them, disable and enable round-tripping the SCIM active flag, a profile update written
// as one PATCH and visible in the next sync, repeats that write nothing, the delegation user
// refused, and every bad argument answered InvalidArgument naming it.
import type { JsonObject } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError } from "../baton/errors.js";
import {
  type ConnectorClients,
  connectorClients,
  inProcessTransport,
} from "../baton/sync/clients.js";
import { ActionType, BatonActionStatus } from "../gen/c1/connector/v2/action_pb.js";
import { Capability } from "../gen/c1/connector/v2/connector_pb.js";
import type { Simulator } from "../simulator/index.js";
import {
  apiCallsSince,
  callsSince,
  closeAll,
  connectTo,
  type SimConnector,
  startSim,
  syncCtx,
  walk,
} from "./test-support/sim-connector.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH = "PATCH /scim/v2/Users/{id}";
type Json = Record<string, unknown>;

describe("user actions", () => {
  let sim: Simulator;
  let h: SimConnector;
  let clients: ConnectorClients;
  let target: string;

  /** Invokes an action on `user`, waiting for its result. */
  const invoke = (name: string, args: JsonObject) =>
    clients.actions.invokeAction({
      name,
      resourceTypeId: "user",
      args,
      inlineWait: { seconds: 60n },
    });
  const failure = async (name: string, args: JsonObject) =>
    ConnectError.from(await invoke(name, args).catch((e: unknown) => e));
  const active = (id: string) => (sim.state.user(id) as Json | undefined)?.active;

  beforeAll(async () => {
    sim = await startSim({ users: 25, groups: 2, seed: 21 });
    h = connectTo(sim);
    clients = connectorClients(inProcessTransport(h.connector, { provisioning: true }));
    const user = sim.state
      .users()
      .find((u) => u.active === true && u.id !== sim.delegationUserId) as Json;
    target = user.id as string;
  });
  afterAll(closeAll);

  it("lists three resource actions on user, with Go's action types, and advertises ACTIONS", async () => {
    const res = await clients.actions.listActionSchemas({ resourceTypeId: "user" });
    expect(res.schemas.map((s) => [s.name, s.resourceTypeId, s.actionType])).toEqual([
      ["disable_user", "user", [ActionType.ACCOUNT_DISABLE]],
      ["enable_user", "user", [ActionType.ACCOUNT_ENABLE]],
      ["update_user_profile", "user", [ActionType.ACCOUNT_UPDATE_PROFILE]],
    ]);
    const update = res.schemas[2];
    expect(update?.arguments.map((a) => a.name)).toEqual([
      "user_id",
      "title",
      "given_name",
      "family_name",
      "department",
      "organization",
      "cost_center",
      "preferred_language",
      "timezone",
    ]);
    expect(update?.arguments[0]).toMatchObject({
      isRequired: true,
      field: { case: "resourceIdField" },
    });
    expect((await clients.actions.listActionSchemas({ resourceTypeId: "group" })).schemas).toEqual(
      [],
    );
    const one = await clients.actions.getActionSchema({ name: "enable_user" });
    expect(one.schema?.displayName).toBe("Enable user");
    const meta = await clients.connector.getMetadata({});
    expect(meta.metadata?.capabilities?.connectorCapabilities).toContain(Capability.ACTIONS);
  });

  it("disables then enables a user, one PATCH each; repeats report that it already was", async () => {
    let before = sim.state.calls();
    const off = await invoke("disable_user", { user_id: target });
    expect(off.status).toBe(BatonActionStatus.COMPLETE);
    expect(off.response).toEqual({
      success: true,
      changed: true,
      message: `disabled user ${target}`,
    });
    expect(active(target)).toBe(false);
    expect(callsSince(sim, before).get(PATCH)).toBe(1);

    before = sim.state.calls();
    const again = await invoke("disable_user", {
      user_id: { resource_type_id: "user", resource_id: target },
    });
    expect(again.response).toMatchObject({
      changed: false,
      message: `user ${target} was already disabled`,
    });
    expect(callsSince(sim, before).has(PATCH)).toBe(false);

    before = sim.state.calls();
    const on = await invoke("enable_user", { user_id: target });
    expect(on.response).toEqual({
      success: true,
      changed: true,
      message: `enabled user ${target}`,
    });
    expect(active(target)).toBe(true);
    expect(callsSince(sim, before).get(PATCH)).toBe(1);
    const status = await clients.actions.getActionStatus({ id: on.id });
    expect(status).toMatchObject({
      id: on.id,
      name: "enable_user",
      status: BatonActionStatus.COMPLETE,
    });
    expect(status.response).toEqual(on.response);
  });

  it("refuses to disable the delegation user, calling nothing", async () => {
    const before = sim.state.calls();
    const err = await failure("disable_user", { user_id: sim.delegationUserId.toUpperCase() });
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toContain("delegation user");
    expect(active(sim.delegationUserId)).toBe(true);
    expect(apiCallsSince(sim, before)).toBe(0);
  });

  it("updates title and department in one PATCH, and the next sync shows them", async () => {
    let before = sim.state.calls();
    const res = await invoke("update_user_profile", {
      user_id: target,
      title: "  Head of Enablement ",
      department: "Revenue Enablement",
    });
    expect(res.response).toEqual({
      success: true,
      changed: true,
      updated: ["title", "department"],
      message: `updated title, department of user ${target}`,
    });
    const u = sim.state.user(target) as Json;
    expect(u.title).toBe("Head of Enablement");
    expect((u[ENTERPRISE] as Json).department).toBe("Revenue Enablement");
    expect(callsSince(sim, before).get(PATCH)).toBe(1);

    before = sim.state.calls();
    const again = await invoke("update_user_profile", {
      user_id: target,
      title: "Head of Enablement",
    });
    expect(again.response).toMatchObject({ changed: false, updated: [] });
    expect(callsSince(sim, before).has(PATCH)).toBe(false);

    const users = (await walk((p) => h.syncer("user").list(undefined, p, syncCtx("after-update"))))
      .items;
    const profile = users.find((r) => r.id?.resource === target)?.profile;
    expect(profile).toMatchObject({
      title: "Head of Enablement",
      department: "Revenue Enablement",
    });
  });

  it("answers each bad argument with InvalidArgument naming it, before calling Seismic", async () => {
    const before = sim.state.calls();
    const cases: [string, JsonObject, string][] = [
      ["enable_user", {}, "invalid InvokeActionRequest.args.user_id: is required"],
      ["enable_user", { user_id: 7 }, "InvokeActionRequest.args.user_id: must be a user id"],
      [
        "enable_user",
        { user_id: { resource_type_id: "group", resource_id: target } },
        'InvokeActionRequest.args.user_id.resource_type_id: must be "user", got "group"',
      ],
      [
        "enable_user",
        { user_id: target, title: "x" },
        "InvokeActionRequest.args.title: unknown argument",
      ],
      [
        "update_user_profile",
        { user_id: target },
        "InvokeActionRequest.args: give at least one of title",
      ],
      [
        "update_user_profile",
        { user_id: target, title: " " },
        "InvokeActionRequest.args.title: must not be empty",
      ],
      [
        "update_user_profile",
        { user_id: target, title: 3 },
        "InvokeActionRequest.args.title: must be a string",
      ],
      [
        "update_user_profile",
        { user_id: target, department: "x".repeat(257) },
        "InvokeActionRequest.args.department: must be at most 256 characters",
      ],
      [
        "update_user_profile",
        { user_id: target, family_name: "Lovelace\nByron" },
        "InvokeActionRequest.args.family_name: must not contain control characters",
      ],
      [
        "update_user_profile",
        { user_id: target, preferred_language: "English" },
        "InvokeActionRequest.args.preferred_language: must be a language tag",
      ],
      [
        "update_user_profile",
        { user_id: target, timezone: "Mars/Olympus" },
        "InvokeActionRequest.args.timezone: must be an IANA time zone",
      ],
    ];
    for (const [name, args, message] of cases) {
      const err = await failure(name, args);
      expect(err.code, message).toBe(Code.InvalidArgument);
      expect(err.rawMessage, message).toContain(message);
    }
    const wait = ConnectError.from(
      await clients.actions
        .invokeAction({
          name: "enable_user",
          args: { user_id: target },
          inlineWait: { seconds: -1n },
        })
        .catch((e: unknown) => e),
    );
    expect(wait.rawMessage).toBe("invalid InvokeActionRequest.inline_wait: must not be negative");
    const unknown = await failure("rename_user", { user_id: target });
    expect(unknown.code).toBe(Code.NotFound);
    expect(unknown.rawMessage).toContain('no action "rename_user" on resource type "user"');
    expect(apiCallsSince(sim, before)).toBe(0);
  });

  it("reports an unknown user as FAILED with the reason", async () => {
    const res = await invoke("enable_user", { user_id: "00000000-0000-4000-8000-000000000000" });
    expect(res.status).toBe(BatonActionStatus.FAILED);
    expect(res.response).toEqual({
      error: "Seismic has no user 00000000-0000-4000-8000-000000000000",
    });
  });

  it("refuses to invoke without --provisioning, but still lists", async () => {
    const readOnly = connectorClients(inProcessTransport(h.connector, { provisioning: false }));
    expect((await readOnly.actions.listActionSchemas({})).schemas).toHaveLength(3);
    const err = ConnectError.from(
      await readOnly.actions
        .invokeAction({ name: "disable_user", args: { user_id: target } })
        .catch((e: unknown) => e),
    );
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toContain("--provisioning");
    expect(active(target)).toBe(true);
  });
});

// Provisioning and the other task types in service mode, with the built binary against the fake
// ConductorOne and a simulated tenant: grant, revoke, create account and delete resource each
// give exactly one FinishTask with the response as Any and take effect in the tenant; "already
// granted" carries GrantAlreadyExists; a read-only entitlement answers grant_cancelled; malformed
// tasks are non-retryable and touch nothing; hello, actions, event feeds, tickets and unsupported
// types are answered as the spec says; at most --task-concurrency tasks run at once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toJson } from "@bufbuild/protobuf";
import { type Any, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { has } from "../src/baton/annotations.js";
import { GrantAlreadyExistsSchema } from "../src/gen/c1/connector/v2/annotation_grant_pb.js";
import type { Entitlement } from "../src/gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema } from "../src/gen/c1/connector/v2/grant_pb.js";
import type { Resource } from "../src/gen/c1/connector/v2/resource_pb.js";
import {
  type BatonServiceFinishTaskRequest,
  BatonServiceFinishTaskRequestSchema,
} from "../src/gen/c1/connectorapi/baton/v1/baton_pb.js";
import { ErrorInfoSchema } from "../src/gen/google/rpc/error_details_pb.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import {
  type FakeC1,
  fakeC1Registry,
  startFakeC1,
  type TaskInit,
} from "./helpers/fake-c1/index.js";
import { callsSince, runOk, targetOf, writes } from "./helpers/seismic-e2e.js";
import { type C1zContent, readC1z } from "./helpers/seismic-expect.js";
import { type ServiceProcess, startService } from "./helpers/service-mode.js";

const CONCURRENCY = 2;

describe("provisioning and other tasks in service mode", () => {
  let sim: Simulator;
  let fake: FakeC1;
  let service: ServiceProcess;
  let dir: string;
  let content: C1zContent;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "service-prov-"));
    sim = await startSimulator({ seed: 11, users: 30, groups: 4, rateLimit: false });
    fake = await startFakeC1();
    const file = join(dir, "sync.c1z");
    await runOk(targetOf(sim), ["--file", file], { BATON_LOG_LEVEL: "warn" });
    content = await readC1z(file);
    service = startService(fake, sim, [
      "--provisioning",
      "--task-concurrency",
      String(CONCURRENCY),
    ]);
    await service.waitForLog(/accepted Hello/);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await fake?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs tasks (all queued at once) and returns their FinishTask requests, by task id. */
  async function run(...tasks: (TaskInit & { unknownType?: number })[]) {
    const ids = tasks.map(() => fake.taskId());
    fake.enqueue(
      ...tasks.map(({ unknownType, ...t }, i) => ({
        task: { ...t, id: ids[i] } as TaskInit,
        ...(unknownType !== undefined ? { unknownType } : {}),
      })),
    );
    await fake.waitFor(
      () => ids.every((id) => fake.finishes.some((f) => f.request.taskId === id)),
      `FinishTask of ${ids.length} task(s)`,
    );
    return ids.map((id) => {
      const all = fake.finishes.filter((f) => f.request.taskId === id);
      expect(all, `exactly one FinishTask for ${id}`).toHaveLength(1);
      return all[0]?.request as BatonServiceFinishTaskRequest;
    });
  }

  const member = (gid: string) =>
    content.entitlements.find((e) => e.id === `group:${gid}:member`) as Entitlement;
  const user = (uid: string) =>
    content.resources.find(
      (r) => r.id?.resourceType === "user" && r.id.resource === uid,
    ) as Resource;

  function success(f: BatonServiceFinishTaskRequest): { response?: Any; annotations: Any[] } {
    const printed = JSON.stringify(
      toJson(BatonServiceFinishTaskRequestSchema, f, { registry: fakeC1Registry }),
    );
    expect(f.finalState.case, printed).toBe("success");
    return f.finalState.value as { response?: Any; annotations: Any[] };
  }

  function failure(f: BatonServiceFinishTaskRequest) {
    expect(f.finalState.case).toBe("error");
    return {
      code: f.status?.code,
      message: f.status?.message ?? "",
      details: f.status?.details ?? [],
      nonRetryable: f.finalState.case === "error" && f.finalState.value.nonRetryable,
    };
  }

  it("grant, then the same grant (GrantAlreadyExists), then revoke, each taking effect", async () => {
    const group = sim.state.groups()[0]?.id as string;
    const outsider = sim.state
      .users()
      .find((u) => u.active === true && !sim.state.groupMemberIds(group)?.includes(u.id as string))
      ?.id as string;
    const grant = { entitlement: member(group), principal: user(outsider) };
    const [granted] = await run({ taskType: { case: "grant", value: grant } });
    const ok = success(granted as BatonServiceFinishTaskRequest);
    expect(ok.response?.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.GrantManagerServiceGrantResponse",
    );
    expect(sim.state.groupMemberIds(group)).toContain(outsider);

    const before = sim.state.calls();
    const [again] = await run({ taskType: { case: "grant", value: grant } });
    expect(
      has(success(again as BatonServiceFinishTaskRequest).annotations, GrantAlreadyExistsSchema),
    ).toBe(true);
    expect(writes(callsSince(before, sim.state.calls()))).toEqual({});

    const [revoked] = await run({
      taskType: {
        case: "revoke",
        value: {
          grant: create(GrantSchema, {
            id: `group:${group}:member:user:${outsider}`,
            entitlement: member(group),
            principal: user(outsider),
          }),
        },
      },
    });
    expect(success(revoked as BatonServiceFinishTaskRequest).response?.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.GrantManagerServiceRevokeResponse",
    );
    expect(sim.state.groupMemberIds(group)).not.toContain(outsider);
  });

  it("a read-only entitlement answers grant_cancelled (code 9), non-retryable", async () => {
    const licence = content.entitlements.find((e) => e.id.startsWith("license:")) as Entitlement;
    const someone = content.resources.find((r) => r.id?.resourceType === "user") as Resource;
    const [f] = await run({
      taskType: { case: "grant", value: { entitlement: licence, principal: someone } },
    });
    const e = failure(f as BatonServiceFinishTaskRequest);
    expect(e.code).toBe(Code.FailedPrecondition);
    expect(e.nonRetryable).toBe(true);
    const info = e.details.map((d) => anyUnpack(d, ErrorInfoSchema)).find((d) => d);
    expect(info?.reason).toBe("grant_cancelled");
    expect(info?.domain).toBe("github.com/conductorone/baton-sdk");
  });

  it("malformed tasks are non-retryable and never reach the tenant", async () => {
    const before = sim.state.totalCalls();
    const group = sim.state.groups()[0]?.id as string;
    const results = await run(
      { taskType: { case: "grant", value: { entitlement: member(group) } } },
      { taskType: { case: "revoke", value: {} } },
      { taskType: { case: "createAccount", value: {} } },
      { taskType: { case: "deleteResource", value: { resourceId: { resourceType: "user" } } } },
      {
        taskType: {
          case: "createAccount",
          value: {
            accountInfo: { login: "someone@example.com" },
            credentialOptions: {
              options: {
                case: "encryptedPassword",
                value: {
                  encryptedPasswords: [
                    { keyIds: ["not-our-key"], encryptedBytes: new Uint8Array([1]) },
                  ],
                },
              },
            },
          },
        },
      },
    );
    for (const f of results) {
      const e = failure(f);
      expect(e.code).toBe(Code.InvalidArgument);
      expect(e.message).toMatch(/^malformed (grant|revoke|create account|delete resource) task: /);
      expect(e.nonRetryable).toBe(true);
    }
    expect(failure(results[4] as BatonServiceFinishTaskRequest).message).toContain(
      fake.creds.thumbprint,
    );
    expect(sim.state.totalCalls()).toBe(before);
  });

  it("create_account creates the user; delete_resource deactivates one", async () => {
    const login = "new.person@example.com";
    const victim = sim.state.users().find((u) => u.active === true && u.id !== sim.delegationUserId)
      ?.id as string;
    const [created, deleted] = await run(
      {
        taskType: {
          case: "createAccount",
          value: {
            accountInfo: {
              login,
              emails: [{ address: login, isPrimary: true }],
              profile: { given_name: "New", family_name: "Person" },
            },
            credentialOptions: { options: { case: "noPassword", value: {} } },
          },
        },
      },
      {
        taskType: {
          case: "deleteResource",
          value: { resourceId: { resourceType: "user", resource: victim } },
        },
      },
    );
    expect(success(created as BatonServiceFinishTaskRequest).response?.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.CreateAccountResponse",
    );
    expect(sim.state.users().some((u) => u.userName === login)).toBe(true);
    expect(success(deleted as BatonServiceFinishTaskRequest).response?.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.DeleteResourceResponse",
    );
    expect(sim.state.user(victim)?.active).toBe(false);
  });

  it("answers hello with Hello (no FinishTask) and finishes every other type", async () => {
    const helloId = fake.taskId();
    fake.enqueue({ task: { id: helloId, taskType: { case: "hello", value: {} } } });
    await fake.waitFor(() => fake.hellos.some((h) => h.taskId === helloId), "Hello of the task");
    const [diff, compact, feed, unknown, schemas, feeds, ticket] = await run(
      { taskType: { case: "createSyncDiff", value: {} } },
      { taskType: { case: "compactSyncs", value: {} } },
      { taskType: { case: "eventFeed", value: {} } },
      { unknownType: 199 },
      { taskType: { case: "actionListSchemas", value: {} } },
      { taskType: { case: "listEventFeeds", value: {} } },
      { taskType: { case: "getTicket", value: { ticketId: "T-1" } } },
    );
    for (const f of [diff, compact, feed, unknown]) {
      const e = failure(f as BatonServiceFinishTaskRequest);
      expect([e.code, e.message, e.nonRetryable]).toEqual([
        Code.Unknown,
        "unsupported task type",
        false,
      ]);
    }
    expect(success(schemas as BatonServiceFinishTaskRequest).response?.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.ListActionSchemasResponse",
    );
    expect(success(feeds as BatonServiceFinishTaskRequest).response?.typeUrl).toBe(
      "type.googleapis.com/c1.connector.v2.ListEventFeedsResponse",
    );
    expect(failure(ticket as BatonServiceFinishTaskRequest).message).toBe(
      "ticketing is not enabled",
    );
    expect(fake.finishes.some((f) => f.request.taskId === helloId)).toBe(false);
    const hello = fake.hellos.find((h) => h.taskId === helloId);
    expect(hello?.connectorMetadata?.displayName).toBe("Seismic");
  });

  it(`runs at most --task-concurrency (${CONCURRENCY}) tasks at once`, async () => {
    // Slow tenant calls keep each grant busy, so the slots fill up.
    sim.setFaults({ slowRate: 1, slowMs: 400 });
    try {
      const group = sim.state.groups()[1]?.id as string;
      const users = sim.state.users().slice(0, 6);
      const ids = new Set<string>();
      const start = fake.handedOut.length;
      await run(
        ...users.map((u) => ({
          taskType: {
            case: "grant" as const,
            value: { entitlement: member(group), principal: user(u.id as string) },
          },
        })),
      );
      for (const h of fake.handedOut.slice(start)) ids.add(h.taskId);
      const events = [
        ...fake.handedOut.slice(start).map((h) => ({ t: h.t, d: 1 })),
        ...fake.finishes.filter((f) => ids.has(f.request.taskId)).map((f) => ({ t: f.t, d: -1 })),
      ].sort((a, b) => a.t - b.t || a.d - b.d);
      let inFlight = 0;
      let most = 0;
      for (const e of events) {
        inFlight += e.d;
        most = Math.max(most, inFlight);
      }
      expect(most).toBe(CONCURRENCY);
    } finally {
      sim.setFaults(undefined);
    }
  });

  it("logs one start and one end line per task, and the fake saw no protocol violation", async () => {
    expect(fake.violations).toEqual([]);
    const finished = new Set(fake.finishes.map((f) => f.request.taskId));
    // The end line follows FinishTask's answer: wait until the last one reached stderr.
    const ended = () => service.records().filter((r) => r.msg === "task finished").length;
    await fake.waitFor(() => ended() >= finished.size, "every task's end line");
    for (const id of finished) {
      const lines = service.records().filter((r) => r.task_id === id);
      expect(lines.map((l) => l.msg)).toEqual(["task started", "task finished"]);
    }
  });
});

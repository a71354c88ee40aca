// A small soak of the service host (in process, with the fixture connector and the fake
// ConductorOne over TLS): a few hundred mixed tasks with faults injected at random (GetTask
// errors, failed heartbeats, upload resets) must each get exactly one FinishTask, except `hello`
// and `none`, and leave no temp file behind. Waits are shortened by an injected sleep; the
// spec's 1,000-task soak is the same test with a larger count.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realSleep } from "../src/baton/retry.js";
import { parseClientId, parseClientSecret } from "../src/baton/service/c1-credentials.js";
import { runServiceHost } from "../src/baton/service/service-host.js";
import { memoryLogger } from "../src/baton/service/test-support/memory-baton.js";
import { createFixtureConnector } from "../src/baton/testing/fixture-connector.js";
import { type FakeC1, type PollAnswer, startFakeC1 } from "./helpers/fake-c1/index.js";

const TASKS = 150;

/** A seeded PRNG (mulberry32), so a failing soak can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("service host soak", () => {
  let fake: FakeC1;
  let dir: string;
  const random = prng(20261202);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "service-soak-"));
    fake = await startFakeC1({
      // Beat 1 always answers (a failed first beat means no FinishTask, by design); later beats
      // fail one time in five.
      heartbeat: (_id, n) => (n > 1 && random() < 0.2 ? { error: Code.Unavailable } : {}),
    });
  });
  afterAll(async () => {
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${TASKS} mixed tasks with faults: one FinishTask each but hello and none, no temp file`, async () => {
    const expectFinish = new Set<string>();
    const hellos = new Set<string>();
    const answers: PollAnswer[] = [];
    for (let i = 0; i < TASKS; i++) {
      const id = fake.taskId();
      const r = random();
      if (random() < 0.05) answers.push({ error: Code.Unavailable });
      if (r < 0.1) {
        answers.push({ task: { id, taskType: { case: "syncFull", value: {} } } });
        if (random() < 0.3) fake.uploadResets.set(id, 1);
        expectFinish.add(id);
      } else if (r < 0.45) {
        const principal = { id: { resourceType: "user", resource: `u${1 + (i % 5)}` } };
        const entitlement = {
          id: "group:ops:member",
          resource: { id: { resourceType: "group", resource: "ops" } },
        };
        answers.push({
          task:
            random() < 0.5
              ? { id, taskType: { case: "grant", value: { entitlement, principal } } }
              : {
                  id,
                  taskType: {
                    case: "revoke",
                    value: {
                      grant: {
                        id: `group:ops:member:user:${principal.id.resource}`,
                        entitlement,
                        principal,
                      },
                    },
                  },
                },
        });
        expectFinish.add(id);
      } else if (r < 0.55) {
        answers.push({ task: { id, taskType: { case: "hello", value: {} } } });
        hellos.add(id);
      } else if (r < 0.65) {
        answers.push({ task: { id, taskType: { case: "none", value: {} } } });
      } else if (r < 0.8) {
        answers.push({ task: { id, taskType: { case: "createSyncDiff", value: {} } } });
        expectFinish.add(id);
      } else if (r < 0.9) {
        answers.push({ task: { id, taskType: { case: "grant", value: {} } } });
        expectFinish.add(id);
      } else {
        answers.push({ task: { id }, unknownType: 150 + (i % 10) });
        expectFinish.add(id);
      }
    }
    fake.enqueue(...answers);

    const stop = new AbortController();
    const host = runServiceHost({
      connector: createFixtureConnector({ userCount: 5, pageSize: 2 }),
      provisioning: true,
      clientId: parseClientId(fake.creds.clientId),
      clientSecret: parseClientSecret(fake.creds.clientSecret),
      apiHost: fake.apiHost,
      apiHostFromEnv: true,
      hostId: "soak",
      ca: [fake.certs.caCert],
      build: { name: "soak", version: "0.0.0" },
      taskConcurrency: 3,
      sync: { tempDir: dir, workers: 2, checkpointIntervalMs: 0 },
      logger: memoryLogger(),
      // Every wait (backoff, heartbeat interval, upload retry) shortened to at most 2 ms.
      sleep: (ms, signal) => realSleep(Math.min(ms, 2), signal),
      signal: stop.signal,
    });
    const finishedAll = () =>
      [...expectFinish].every((id) => fake.finishes.some((f) => f.request.taskId === id)) &&
      [...hellos].every((id) => fake.hellos.some((h) => h.taskId === id));
    try {
      await fake.waitFor(finishedAll, "every task to finish", 60_000);
    } finally {
      stop.abort();
      await host;
    }

    const finishes = new Map<string, number>();
    for (const f of fake.finishes)
      finishes.set(f.request.taskId, (finishes.get(f.request.taskId) ?? 0) + 1);
    for (const id of expectFinish) expect(finishes.get(id), id).toBe(1);
    expect(finishes.size).toBe(expectFinish.size);
    expect(fake.violations).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    // The faults really happened.
    expect(fake.uploads.some((u) => u.reset)).toBe(true);
    expect(fake.calls.filter((c) => c.method === "GetTask").length).toBeGreaterThan(TASKS);
  }, 90_000);
});

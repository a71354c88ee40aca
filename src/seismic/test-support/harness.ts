// Test support: builds a client against a FakeSeismic with a virtual clock and a recording
// logger, and tracks everything a test starts so one afterEach can stop it.
import { createSeismicClient, type SeismicClient, type SeismicClientOptions } from "../client.js";
import type { SeismicConfig } from "../config.js";
import { FakeClock, FakeSeismic, RecordingLogger } from "./fake-seismic.js";

/** Secrets used by the tests; none may ever surface in an error or a log call. */
export const SECRETS = {
  clientSecret: "cs-SECRET-9f8e7d6c5b4a",
  scimToken: "scim-SECRET-0a1b2c3d4e5f",
} as const;

/** A running fake, a client pointed at it, the virtual clock and the logger. */
export interface Harness {
  fake: FakeSeismic;
  client: SeismicClient;
  clock: FakeClock;
  logger: RecordingLogger;
}

const open: Array<{ close(): Promise<void> }> = [];

/** Starts a fake and a client. Rate limiting is off unless `config.rateLimit` says otherwise. */
export async function startHarness(
  config: Partial<SeismicConfig> = {},
  options: Pick<SeismicClientOptions, "observer" | "dryRun"> = {},
): Promise<Harness> {
  const fake = await FakeSeismic.start();
  open.push(fake);
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const client = createSeismicClient(
    {
      tenant: "acme",
      clientId: "client-id-1",
      clientSecret: SECRETS.clientSecret,
      delegationUserId: "7d1f3c2e-0000-4000-8000-000000000001",
      apiUrl: fake.url,
      authUrl: fake.url,
      rateLimit: false,
      ...config,
    },
    { clock, logger, random: () => 0, ...options },
  );
  open.push(client);
  return { fake, client, clock, logger };
}

/** Registers something for {@link closeAll}. */
export function track<T extends { close(): Promise<void> }>(resource: T): T {
  open.push(resource);
  return resource;
}

/** Closes everything started since the last call; use in `afterEach`. */
export async function closeAll(): Promise<void> {
  const resources = open.splice(0).reverse();
  await Promise.all(resources.map((r) => r.close()));
}

/** A minimal valid SCIM user. */
export function scimUser(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    id,
    userName: `${id}@example.com`,
    active: true,
    emails: [{ value: `${id}@example.com`, type: "work", primary: true }],
    ...extra,
  };
}

/** A SCIM ListResponse body. */
export function listResponse(
  resources: unknown[],
  totalResults: number,
  startIndex = 1,
  itemsPerPage = resources.length,
): Record<string, unknown> {
  return {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    totalResults,
    itemsPerPage,
    startIndex,
    Resources: resources,
  };
}

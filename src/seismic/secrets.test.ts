// Every error path of the client, with a server that echoes credentials back wherever it can:
// no secret (client secret, static SCIM token, minted access tokens) may reach an error's
// message, stack, JSON or inspected form, nor any logger call.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { SeismicClient } from "./client.js";
import { resolveConfig, type SeismicConfig } from "./config.js";
import { SeismicError } from "./errors.js";
import type { FakeReply, FakeSeismic, RecordedRequest } from "./test-support/fake-seismic.js";
import { freePort } from "./test-support/fake-seismic.js";
import { closeAll, listResponse, SECRETS, scimUser, startHarness } from "./test-support/harness.js";

afterEach(closeAll);

/** Every secret the tests use contains this marker, and nothing else does. */
const MARKER = "SECRET";

/** An error body that repeats everything the request carried. */
function echo(r: RecordedRequest, status: number): FakeReply {
  return {
    status,
    json: {
      error: status === 400 ? "invalid_request" : undefined,
      message: `you sent ${r.headers.authorization ?? "no auth"} and ${r.body}`,
      detail: `token ${String(r.headers.authorization).replace("Bearer ", "")} rejected; body=${r.body}`,
      error_description: `client_secret=${SECRETS.clientSecret}`,
    },
  };
}

interface Scenario {
  name: string;
  code: SeismicError["code"];
  config?: Partial<SeismicConfig>;
  setup?: (fake: FakeSeismic) => void;
  call: (client: SeismicClient) => Promise<unknown>;
}

const listUsers = (c: SeismicClient) => c.listUsers();
const addToGroup = (c: SeismicClient) => c.addUserToGroup("u1", "g1");

const scenarios: Scenario[] = [
  ...(
    ["invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client", "weird"] as const
  ).map(
    (oauthError): Scenario => ({
      name: `token ${oauthError}`,
      code:
        oauthError === "unauthorized_client" || oauthError === "weird"
          ? "token_rejected"
          : oauthError,
      setup: (fake) => {
        fake.tokenHandler = (r) => ({
          status: 400,
          json: { error: oauthError, error_description: `bad: ${r.body} ${SECRETS.clientSecret}` },
        });
      },
      call: listUsers,
    }),
  ),
  {
    name: "token unknown tenant",
    code: "unknown_tenant",
    setup: (f) => {
      f.tokenHandler = (r) => ({ status: 404, text: `no tenant for ${r.body}` });
    },
    call: listUsers,
  },
  {
    name: "token 500 exhausted",
    code: "server_error",
    config: { maxRetries: 1 },
    setup: (f) => {
      f.tokenHandler = (r) => ({ status: 500, text: `crash ${r.body}` });
    },
    call: listUsers,
  },
  {
    name: "token 429 exhausted",
    code: "rate_limited",
    config: { maxRetries: 1 },
    setup: (f) => {
      f.tokenHandler = (r) => ({ status: 429, text: `slow ${r.body}` });
    },
    call: listUsers,
  },
  {
    name: "token malformed",
    code: "invalid_response",
    setup: (f) => {
      f.tokenHandler = () => ({ json: { access_token: 42, secret: "tok-SECRET-x" } });
    },
    call: listUsers,
  },
  {
    name: "token not JSON",
    code: "invalid_response",
    setup: (f) => {
      f.tokenHandler = (r) => ({ text: `access_token=tok-SECRET-plain ${r.body}` });
    },
    call: listUsers,
  },
  { name: "401 oauth twice", code: "unauthenticated", setup: (f) => api(f, 401), call: listUsers },
  {
    name: "401 static scim token",
    code: "unauthenticated",
    config: { scimToken: SECRETS.scimToken },
    setup: (f) => api(f, 401),
    call: listUsers,
  },
  { name: "403", code: "permission_denied", setup: (f) => api(f, 403), call: listUsers },
  {
    name: "403 with scim token",
    code: "permission_denied",
    config: { scimToken: SECRETS.scimToken },
    setup: (f) => api(f, 403),
    call: (c) => c.getUser("u1"),
  },
  { name: "400", code: "bad_request", setup: (f) => api(f, 400), call: addToGroup },
  { name: "404", code: "not_found", setup: (f) => api(f, 404), call: (c) => c.getGroup("g") },
  { name: "405", code: "unsupported", setup: (f) => api(f, 405), call: listUsers },
  { name: "409", code: "conflict", setup: (f) => api(f, 409), call: addToGroup },
  {
    name: "429 exhausted",
    code: "rate_limited",
    config: { maxRetries: 1 },
    setup: (f) => api(f, 429),
    call: listUsers,
  },
  {
    name: "500 GET exhausted",
    code: "server_error",
    config: { maxRetries: 1 },
    setup: (f) => api(f, 500),
    call: listUsers,
  },
  { name: "500 POST", code: "server_error", setup: (f) => api(f, 500), call: addToGroup },
  {
    name: "text body",
    code: "server_error",
    setup: (f) => {
      f.apiHandler = (r) => ({ status: 500, text: `Authorization: ${r.headers.authorization}` });
    },
    call: addToGroup,
  },
  {
    name: "reset POST",
    code: "network",
    setup: (f) => {
      f.apiHandler = () => "reset";
    },
    call: addToGroup,
  },
  {
    name: "malformed 200",
    code: "invalid_response",
    setup: (f) => {
      f.apiHandler = (r) => ({
        json: listResponse([{ ...scimUser("a"), id: 1, userName: r.headers.authorization }], 1),
      });
    },
    call: listUsers,
  },
  {
    name: "non-JSON 200",
    code: "invalid_response",
    setup: (f) => {
      f.apiHandler = (r) => ({ text: String(r.headers.authorization) });
    },
    call: listUsers,
  },
  {
    name: "invalid argument",
    code: "invalid_argument",
    call: async (c) =>
      c.patchUser("u1", [{ op: "replace", path: "", value: SECRETS.clientSecret }]),
  },
  {
    name: "aborted",
    code: "aborted",
    setup: (f) => api(f, 503),
    call: (c) => c.listUsers({ signal: AbortSignal.abort() }),
  },
];

function api(fake: FakeSeismic, status: number): void {
  fake.apiHandler = (r) => echo(r, status);
}

function expectNoSecret(text: string, where: string): void {
  expect(text.includes(MARKER), `${where} leaks a secret: ${text}`).toBe(false);
  expect(text.includes(SECRETS.clientSecret), where).toBe(false);
  expect(text.includes(SECRETS.scimToken), where).toBe(false);
}

describe("secrets never leak", () => {
  it.each(scenarios)("$name", async (scenario) => {
    const { fake, client, logger } = await startHarness(scenario.config);
    scenario.setup?.(fake);
    const error = await Promise.resolve()
      .then(() => scenario.call(client))
      .catch((e: unknown) => e);
    expect(SeismicError.is(error), String(error)).toBe(true);
    const e = error as SeismicError;
    expect(e.code).toBe(scenario.code);
    expectNoSecret(e.message, "message");
    expectNoSecret(e.stack ?? "", "stack");
    expectNoSecret(JSON.stringify(e), "JSON");
    expectNoSecret(inspect(e, { depth: 10, showHidden: true }), "inspect");
    expectNoSecret(JSON.stringify(Object.entries(e)), "own properties");
    for (const call of logger.calls) {
      expectNoSecret(`${call.message} ${JSON.stringify(call.fields)}`, `log ${call.message}`);
    }
  });

  it("an unreachable auth server", async () => {
    const port = await freePort();
    const { client, logger } = await startHarness({
      authUrl: `http://127.0.0.1:${port}`,
      maxRetries: 1,
    });
    const e = (await client.listUsers().catch((x: unknown) => x)) as SeismicError;
    expect(e.code).toBe("network");
    expect(e.credential).toBe("client_credentials");
    expectNoSecret(inspect(e, { depth: 10, showHidden: true }), "inspect");
    expectNoSecret(JSON.stringify(e), "JSON");
    for (const call of logger.calls) expectNoSecret(JSON.stringify(call), "log");
  });

  it("successful calls log nothing secret either", async () => {
    const { fake, client, logger } = await startHarness({ scimToken: SECRETS.scimToken });
    fake.apiHandler = (r) =>
      r.index === 0
        ? { status: 503 }
        : { json: r.path.startsWith("/scim") ? listResponse([], 0) : [] };
    await client.listUsers();
    await client.listPlatformRoles();
    expect(logger.calls.map((c) => c.message)).toContain("minted Seismic access token");
    for (const call of logger.calls) expectNoSecret(JSON.stringify(call), "log");
  });

  it("the client object itself does not expose secrets when logged", async () => {
    const { fake, client } = await startHarness({ scimToken: SECRETS.scimToken });
    fake.apiHandler = () => ({ json: [] });
    await client.listPlatformRoles();
    expectNoSecret(JSON.stringify(client), "JSON");
    expectNoSecret(inspect(client, { depth: 10, showHidden: true }), "inspect");
  });

  it("config errors and the resolved config's JSON do not print secrets in errors", () => {
    const e = (() => {
      try {
        return resolveConfig({
          tenant: "bad tenant",
          clientId: "x",
          clientSecret: SECRETS.clientSecret,
          delegationUserId: "u",
          scimToken: SECRETS.scimToken,
        });
      } catch (error) {
        return error;
      }
    })() as SeismicError;
    expect(e.code).toBe("invalid_config");
    expectNoSecret(inspect(e, { showHidden: true }), "inspect");
  });
});

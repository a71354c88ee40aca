// Tests of the simulator: user PATCH: replace-only, path required, atomic, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken, type Res, scimError, URN } from "./harness.js";

const { ENTERPRISE, PATCH, SEISMIC } = URN;

import { type Simulator, startSimulator } from "./index.js";

let sim: Simulator;
let call: Call;
let id: string;

const ops = (...operations: unknown[]): Res => ({ schemas: [PATCH], Operations: operations });

beforeAll(async () => {
  sim = await startSimulator({ users: 20, groups: 2, rateLimit: false });
  call = caller(sim, await getToken(sim));
  id = sim.state.users()[5]?.id as string;
});
afterAll(() => sim.close());

describe("PATCH /scim/v2/Users/{id}", () => {
  it("deactivates with replace active=false (the documented example)", async () => {
    const res = await call(
      "PATCH",
      `/scim/v2/Users/${id}`,
      ops({ op: "replace", path: "active", value: false }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, active: false });
    expect(sim.state.user(id)?.active).toBe(false);
    const again = await call(
      "PATCH",
      `/scim/v2/Users/${id}`,
      ops({ op: "Replace", path: "active", value: true }),
    );
    expect(again.body).toMatchObject({ active: true });
  });

  it("replaces roles, profile fields and extension attributes", async () => {
    const res = await call(
      "PATCH",
      `/scim/v2/Users/${id}`,
      ops(
        {
          op: "replace",
          path: "roles",
          value: [{ value: "Premium" }, { value: "Field Sales: EMEA" }],
        },
        { op: "replace", path: "userType", value: "Premium" },
        { op: "replace", path: "title", value: "Directrice" },
        { op: "replace", path: "name.givenName", value: "Zoë" },
        { op: "replace", path: "name.familyName", value: "محمد" },
        { op: "replace", path: "emails", value: [{ value: "zoe@acme.example", type: "work" }] },
        { op: "replace", path: `${ENTERPRISE}:department`, value: "Enablement" },
        { op: "replace", path: `${SEISMIC}:Worker_Status`, value: "Leave" },
        { op: "replace", path: `${SEISMIC}:Country`, value: null },
      ),
    );
    expect(res.status).toBe(200);
    const u = res.body as Res;
    expect(u).toMatchObject({
      roles: [{ value: "Premium" }, { value: "Field Sales: EMEA" }],
      userType: "Premium",
      title: "Directrice",
      name: { givenName: "Zoë", familyName: "محمد", formatted: "Zoë محمد" },
      emails: [{ value: "zoe@acme.example", type: "work", primary: true }],
    });
    expect((u[ENTERPRISE] as Res).department).toBe("Enablement");
    expect((u[SEISMIC] as Res).Worker_Status).toBe("Leave");
    expect((u[SEISMIC] as Res).Country).toBeUndefined();
    expect((await call("GET", `/scim/v2/Users/${id}`)).body).toEqual(u);
  });

  it.each([
    [
      "a missing path",
      { op: "replace", value: false },
      "Operations[0].path is required: patch operations without a path are rejected",
      "invalidPath",
    ],
    [
      "a null path",
      { op: "replace", path: null, value: { active: false } },
      "Operations[0].path is required: patch operations without a path are rejected",
      "invalidPath",
    ],
    [
      "op add",
      { op: "add", path: "roles", value: [{ value: "Learner" }] },
      "Unsupported patch operation 'add': only 'replace' is supported",
      "invalidValue",
    ],
    [
      "op remove",
      { op: "remove", path: "title" },
      "Unsupported patch operation 'remove': only 'replace' is supported",
      "invalidValue",
    ],
    [
      "a missing value",
      { op: "replace", path: "title" },
      "Operations[0].value is required",
      "invalidValue",
    ],
    [
      "an unsupported path",
      { op: "replace", path: "nickName", value: "x" },
      "Unsupported patch path 'nickName'",
      "invalidPath",
    ],
    [
      "a string active",
      { op: "replace", path: "active", value: "False" },
      "active must be a boolean (true or false)",
      "invalidValue",
    ],
    [
      "a role in the wrong case",
      { op: "replace", path: "roles", value: [{ value: "premium" }] },
      "Unknown role 'premium' (role values are case-sensitive)",
      "invalidValue",
    ],
    [
      "a second email",
      {
        op: "replace",
        path: "emails",
        value: [
          { value: "a@x.example", type: "work" },
          { value: "b@x.example", type: "work" },
        ],
      },
      "Only one email is supported: send exactly one email of type 'work'",
      "invalidValue",
    ],
    [
      "an unknown custom property",
      { op: "replace", path: `${SEISMIC}:Nope`, value: "x" },
      "Unknown custom property 'Nope': see GET /scim/v2/Schemas for this tenant's properties",
      "invalidValue",
    ],
  ])("answers 400 for %s", async (_, op, detail, scimType) => {
    const res = await call("PATCH", `/scim/v2/Users/${id}`, ops(op));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, detail, scimType));
  });

  it("rejects a body without the PatchOp schema or without operations", async () => {
    const noSchema = await call("PATCH", `/scim/v2/Users/${id}`, {
      Operations: [{ op: "replace", path: "title", value: "x" }],
    });
    expect(noSchema.status).toBe(400);
    expect(noSchema.body).toEqual(scimError(400, `schemas must be ["${PATCH}"]`, "invalidSyntax"));
    const empty = await call("PATCH", `/scim/v2/Users/${id}`, ops());
    expect(empty.body).toEqual(
      scimError(400, "Operations must be a non-empty array", "invalidSyntax"),
    );
  });

  it("applies nothing when one operation is invalid", async () => {
    const before = sim.state.user(id);
    const res = await call(
      "PATCH",
      `/scim/v2/Users/${id}`,
      ops({ op: "replace", path: "title", value: "Changed" }, { op: "replace", path: "active" }),
    );
    expect(res.status).toBe(400);
    expect(sim.state.user(id)).toEqual(before);
  });

  it("answers 409 when renaming onto a taken userName and 404 for an unknown user", async () => {
    const other = String(sim.state.users()[0]?.userName);
    const res = await call(
      "PATCH",
      `/scim/v2/Users/${id}`,
      ops({ op: "replace", path: "userName", value: other }),
    );
    expect(res.status).toBe(409);
    expect(res.body).toEqual(scimError(409, `userName '${other}' is already in use`, "uniqueness"));
    const missing = await call(
      "PATCH",
      "/scim/v2/Users/00000000-0000-4000-8000-000000000000",
      ops({ op: "replace", path: "active", value: false }),
    );
    expect(missing.status).toBe(404);
  });
});

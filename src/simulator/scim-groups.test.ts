// Tests of the simulator: /Groups list, get with members, writes and the missing DELETE, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken, type ListBody, type Res, scimError, URN } from "./harness.js";

const { GROUP, PATCH } = URN;

import { type Simulator, startSimulator } from "./index.js";

let sim: Simulator;
let call: Call;

beforeAll(async () => {
  sim = await startSimulator({ users: 400, groups: 25, rateLimit: false });
  call = caller(sim, await getToken(sim));
});
afterAll(() => sim.close());

describe("GET /scim/v2/Groups", () => {
  it("lists groups with inline members, 10 per page by default", async () => {
    const res = await call("GET", "/scim/v2/Groups");
    expect(res.status).toBe(200);
    const body = res.body as ListBody;
    expect(body).toMatchObject({ totalResults: 25, itemsPerPage: 10, startIndex: 1 });
    expect(body.Resources).toEqual(sim.state.groups().slice(0, 10));
  });

  it("gets one group with members [{value, display}] and can exclude members", async () => {
    const g = sim.state.groups()[2] as Res;
    const members = g.members as Res[];
    expect(members.length).toBeGreaterThanOrEqual(300);
    const res = await call("GET", `/scim/v2/Groups/${g.id}`);
    expect(res.body).toEqual(g);
    const first = members[0] as Res;
    const user = sim.state.user(first.value as string) as Res;
    const name = user.name as Res | undefined;
    expect(first).toEqual({
      value: user.id,
      display: name?.formatted ?? user.userName,
      $ref: `${sim.apiUrl}/scim/v2/Users/${user.id}`,
    });
    const slim = (await call("GET", `/scim/v2/Groups/${g.id}?excludedAttributes=members`))
      .body as Res;
    expect(slim.members).toBeUndefined();
    expect(slim.displayName).toBe(g.displayName);
    const missing = await call("GET", "/scim/v2/Groups/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(
      scimError(404, "Group 00000000-0000-4000-8000-000000000000 not found"),
    );
  });

  it("filters on displayName (eq, co) and externalId", async () => {
    const eq = (
      await call(
        "GET",
        `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "field sales: emea"')}`,
      )
    ).body as ListBody;
    expect(eq.Resources.map((g) => g.displayName)).toEqual(["Field Sales: EMEA"]);
    const co = (
      await call(
        "GET",
        `/scim/v2/Groups?count=100&filter=${encodeURIComponent('displayName co "sales"')}`,
      )
    ).body as ListBody;
    const expected = sim.state
      .groups()
      .filter((g) => String(g.displayName).toLowerCase().includes("sales"));
    expect(co.totalResults).toBe(expected.length);
    const withExt = sim.state.groups().find((g) => g.externalId !== undefined) as Res;
    const ext = (
      await call(
        "GET",
        `/scim/v2/Groups?filter=${encodeURIComponent(`externalId eq "${withExt.externalId}"`)}`,
      )
    ).body as ListBody;
    expect(ext.Resources).toEqual([withExt]);
    const bad = await call("GET", `/scim/v2/Groups?filter=${encodeURIComponent('members eq "x"')}`);
    expect(bad.body).toEqual(
      scimError(400, "Filtering on attribute 'members' is not supported", "invalidFilter"),
    );
  });
});

describe("group writes", () => {
  it("creates a group (201) and rejects bad bodies and duplicate names", async () => {
    const res = await call("POST", "/scim/v2/Groups", {
      schemas: [GROUP],
      displayName: "Équipe Nord",
      externalId: "n-1",
    });
    expect(res.status).toBe(201);
    const g = res.body as Res;
    expect(res.headers.get("location")).toBe(`${sim.apiUrl}/scim/v2/Groups/${g.id}`);
    expect(g).toMatchObject({
      schemas: [GROUP],
      displayName: "Équipe Nord",
      externalId: "n-1",
      members: [],
    });
    expect((await call("GET", `/scim/v2/Groups/${g.id}`)).body).toEqual(g);
    const dup = await call("POST", "/scim/v2/Groups", {
      schemas: [GROUP],
      displayName: "équipe nord",
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual(
      scimError(409, "displayName 'équipe nord' is already in use", "uniqueness"),
    );
    const noName = await call("POST", "/scim/v2/Groups", { schemas: [GROUP], displayName: "" });
    expect(noName.body).toEqual(
      scimError(400, "displayName is required and must be 1 to 255 characters", "invalidValue"),
    );
    const noSchema = await call("POST", "/scim/v2/Groups", { displayName: "x" });
    expect(noSchema.body).toEqual(scimError(400, `schemas must include ${GROUP}`, "invalidSyntax"));
  });

  it("PATCH renames with replace displayName and refuses members", async () => {
    const g = sim.state.groups()[4] as Res;
    const res = await call("PATCH", `/scim/v2/Groups/${g.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "displayName", value: "Renamed Группа" }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: g.id, displayName: "Renamed Группа", members: g.members });
    const members = await call("PATCH", `/scim/v2/Groups/${g.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "members", value: [{ value: sim.delegationUserId }] }],
    });
    expect(members.body).toEqual(
      scimError(
        400,
        "Unsupported patch operation 'add': only 'replace' is supported",
        "invalidValue",
      ),
    );
    const replaceMembers = await call("PATCH", `/scim/v2/Groups/${g.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "members", value: [] }],
    });
    expect(replaceMembers.body).toEqual(
      scimError(
        400,
        "Unsupported patch path 'members': change membership with POST or DELETE /scim/v2/Users/{userId}/Groups/{groupId}",
        "invalidPath",
      ),
    );
    const noPath = await call("PATCH", `/scim/v2/Groups/${g.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { displayName: "x" } }],
    });
    expect(noPath.status).toBe(400);
    expect(sim.state.groupMemberIds(g.id as string)).toEqual(
      (g.members as Res[]).map((m) => m.value),
    );
  });

  it("PUT replaces name and externalId; a members list replaces membership wholesale", async () => {
    const g = sim.state.groups()[5] as Res;
    const keep = await call("PUT", `/scim/v2/Groups/${g.id}`, {
      schemas: [GROUP],
      displayName: "Kept Members",
    });
    expect(keep.status).toBe(200);
    expect(keep.body).toMatchObject({ displayName: "Kept Members", members: g.members });
    expect((keep.body as Res).externalId).toBeUndefined();
    const wipe = await call("PUT", `/scim/v2/Groups/${g.id}`, {
      schemas: [GROUP],
      displayName: "Kept Members",
      members: [{ value: sim.delegationUserId }],
    });
    expect((wipe.body as Res).members).toEqual([
      expect.objectContaining({ value: sim.delegationUserId }),
    ]);
    expect(sim.state.groupMemberIds(g.id as string)).toEqual([sim.delegationUserId]);
  });

  it("has no DELETE /Groups/{id} (405)", async () => {
    const g = sim.state.groups()[0] as Res;
    const res = await call("DELETE", `/scim/v2/Groups/${g.id}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, PUT, PATCH");
    expect(res.body).toEqual(
      scimError(405, "Method DELETE is not supported on /scim/v2/Groups/{id}"),
    );
  });
});

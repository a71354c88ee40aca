// Tests of the simulator: the membership endpoints and a user's whole lifecycle read back, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken, type ListBody, type Res, scimError, URN } from "./harness.js";

const { PATCH, USER } = URN;

import { type Simulator, startSimulator } from "./index.js";

let sim: Simulator;
let call: Call;

beforeAll(async () => {
  sim = await startSimulator({ users: 350, groups: 12, rateLimit: false });
  call = caller(sim, await getToken(sim));
});
afterAll(() => sim.close());

async function allPages(path: string): Promise<Res[]> {
  const out: Res[] = [];
  for (let start = 1; ; start += 100) {
    const res = await call("GET", `${path}?startIndex=${start}&count=100`);
    expect(res.status).toBe(200);
    const page = res.body as ListBody;
    out.push(...page.Resources);
    if (start + 100 > page.totalResults) return out;
  }
}

describe("membership listings", () => {
  it("pages a large group's members as full SCIM users", async () => {
    const g = sim.state.groups()[2] as Res;
    const first = (await call("GET", `/scim/v2/Groups/${g.id}/Users`)).body as ListBody;
    expect(first).toMatchObject({ totalResults: 350, itemsPerPage: 10, startIndex: 1 });
    expect(first.Resources[0]).toEqual(
      sim.state.user(sim.state.groupMemberIds(g.id as string)?.[0] as string),
    );
    const all = await allPages(`/scim/v2/Groups/${g.id}/Users`);
    expect(all.map((u) => u.id)).toEqual(sim.state.groupMemberIds(g.id as string));
  });

  it("returns only the attributes asked for (plus schemas and id) with `attributes`", async () => {
    const g = sim.state.groups()[2] as Res;
    const ids = (await call("GET", `/scim/v2/Groups/${g.id}/Users?count=100&attributes=id`))
      .body as ListBody;
    expect(ids.totalResults).toBe(350);
    expect(ids.Resources.map((u) => u.id)).toEqual(
      sim.state.groupMemberIds(g.id as string)?.slice(0, 100),
    );
    expect(ids.Resources[0]).toEqual({ schemas: [USER], id: ids.Resources[0]?.id });
    const named = (
      await call(
        "GET",
        `/scim/v2/Groups/${g.id}/Users?count=1&attributes=urn:ietf:params:scim:schemas:core:2.0:User:userName,name.givenName`,
      )
    ).body as ListBody;
    const full = sim.state.user(ids.Resources[0]?.id as string) as Res;
    expect(named.Resources[0]).toEqual({
      schemas: [USER],
      id: full.id,
      userName: full.userName,
      name: full.name,
    });
  });

  it("answers an empty page for an empty group", async () => {
    const empty = sim.state.groups()[1] as Res;
    expect(empty.members).toEqual([]);
    const res = await call("GET", `/scim/v2/Groups/${empty.id}/Users`);
    expect(res.body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
  });

  it("lists a user's groups in the same shape as GET /Groups entries", async () => {
    const uid = sim.state.groupMemberIds(sim.state.groups()[2]?.id as string)?.[0] as string;
    const groups = await allPages(`/scim/v2/Users/${uid}/Groups`);
    expect(groups.map((g) => g.id)).toEqual(sim.state.userGroupIds(uid));
    expect(groups[0]).toEqual(sim.state.group(groups[0]?.id as string));
  });

  it("answers 404 for unknown users and groups", async () => {
    const nobody = "00000000-0000-4000-8000-000000000000";
    expect((await call("GET", `/scim/v2/Users/${nobody}/Groups`)).body).toEqual(
      scimError(404, `User ${nobody} not found`),
    );
    expect((await call("GET", `/scim/v2/Groups/${nobody}/Users`)).body).toEqual(
      scimError(404, `Group ${nobody} not found`),
    );
  });
});

describe("add and remove", () => {
  it("adds (204), refuses a duplicate add (409), removes (204), refuses a second remove (404)", async () => {
    const g = sim.state.groups()[1]?.id as string;
    const u = sim.delegationUserId;
    const path = `/scim/v2/Users/${u}/Groups/${g}`;
    const add = await call("POST", path);
    expect(add.status).toBe(204);
    expect(add.body).toBeUndefined();
    expect(sim.state.groupMemberIds(g)).toEqual([u]);
    const dup = await call("POST", path);
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual(
      scimError(409, `User ${u} is already a member of group ${g}`, "uniqueness"),
    );
    expect((await call("DELETE", path)).status).toBe(204);
    expect(sim.state.groupMemberIds(g)).toEqual([]);
    const again = await call("DELETE", path);
    expect(again.status).toBe(404);
    expect(again.body).toEqual(scimError(404, `User ${u} is not a member of group ${g}`));
    const unknownGroup = await call(
      "POST",
      `/scim/v2/Users/${u}/Groups/00000000-0000-4000-8000-000000000000`,
    );
    expect(unknownGroup.status).toBe(404);
  });
});

describe("a user's lifecycle reads back everywhere", () => {
  it("create, patch, add to a group, remove, deactivate, delete", async () => {
    const g = sim.state.groups()[3]?.id as string;
    const created = await call("POST", "/scim/v2/Users", {
      schemas: [USER],
      userName: "life.cycle@acme.example",
      emails: [{ value: "life.cycle@acme.example", type: "work" }],
      roles: [{ value: "Business" }, { value: "Learner" }],
    });
    expect(created.status).toBe(201);
    const id = (created.body as Res).id as string;
    const byName = async (): Promise<Res[]> =>
      (
        (await call("GET", '/scim/v2/Users?filter=userName eq "life.cycle@acme.example"'))
          .body as ListBody
      ).Resources;
    expect(await byName()).toHaveLength(1);

    const patched = await call("PATCH", `/scim/v2/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: "replace", path: "roles", value: [{ value: "Business" }, { value: "Manager" }] },
      ],
    });
    expect(patched.body).toMatchObject({ roles: [{ value: "Business" }, { value: "Manager" }] });
    expect((await byName())[0]).toMatchObject({
      roles: [{ value: "Business" }, { value: "Manager" }],
    });

    expect((await call("POST", `/scim/v2/Users/${id}/Groups/${g}`)).status).toBe(204);
    expect((await allPages(`/scim/v2/Users/${id}/Groups`)).map((x) => x.id)).toEqual([g]);
    expect((await allPages(`/scim/v2/Groups/${g}/Users`)).map((x) => x.id)).toContain(id);
    const group = (await call("GET", `/scim/v2/Groups/${g}`)).body as Res;
    expect((group.members as Res[]).map((m) => m.value)).toContain(id);

    expect((await call("DELETE", `/scim/v2/Users/${id}/Groups/${g}`)).status).toBe(204);
    expect(await allPages(`/scim/v2/Users/${id}/Groups`)).toEqual([]);
    expect((await allPages(`/scim/v2/Groups/${g}/Users`)).map((x) => x.id)).not.toContain(id);

    await call("PATCH", `/scim/v2/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expect((await call("GET", `/scim/v2/Users/${id}`)).body).toMatchObject({ active: false });
    const locked = (
      (await call("GET", "/scim/v2/Users?count=100&filter=active eq false")).body as ListBody
    ).Resources;
    expect(locked.map((u) => u.id)).toContain(id);

    await call("POST", `/scim/v2/Users/${id}/Groups/${g}`);
    expect((await call("DELETE", `/scim/v2/Users/${id}`)).status).toBe(204);
    expect(await byName()).toEqual([]);
    expect((await call("GET", `/scim/v2/Users/${id}/Groups`)).status).toBe(404);
    expect((await allPages(`/scim/v2/Groups/${g}/Users`)).map((x) => x.id)).not.toContain(id);
  });
});

describe("membership endpoints switched off", () => {
  it("answers 404 on the listings but keeps add/remove and inline members", async () => {
    const off = await startSimulator({
      users: 20,
      groups: 4,
      membershipEndpoints: false,
      rateLimit: false,
    });
    try {
      const c = caller(off, await getToken(off));
      const g = off.state.groups()[0] as Res;
      const res = await c("GET", `/scim/v2/Groups/${g.id}/Users`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(scimError(404, `No endpoint GET /scim/v2/Groups/${g.id}/Users`));
      expect((await c("GET", `/scim/v2/Users/${off.delegationUserId}/Groups`)).status).toBe(404);
      expect((await c("GET", `/scim/v2/Groups/${g.id}`)).body).toEqual(g);
      const path = `/scim/v2/Users/${off.delegationUserId}/Groups/${off.state.groups()[1]?.id}`;
      expect((await c("POST", path)).status).toBe(204);
    } finally {
      await off.close();
    }
  });
});

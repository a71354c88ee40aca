// Tests of the simulator: /Users paging, filters, create validation, PUT and DELETE, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken, type ListBody, type Res, scimError, URN } from "./harness.js";

const { ENTERPRISE, LIST, SEISMIC, USER } = URN;

import { type Simulator, startSimulator } from "./index.js";

let sim: Simulator;
let call: Call;

beforeAll(async () => {
  sim = await startSimulator({ users: 250, groups: 5, rateLimit: false });
  call = caller(sim, await getToken(sim));
});
afterAll(() => sim.close());

const newUser = (userName: string, extra: Res = {}): Res => ({
  schemas: [USER],
  userName,
  emails: [{ value: userName, type: "work" }],
  ...extra,
});

describe("GET /scim/v2/Users paging", () => {
  it("defaults to 10 per page from startIndex 1", async () => {
    const res = await call("GET", "/scim/v2/Users");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/scim+json; charset=utf-8");
    const body = res.body as ListBody;
    expect(body).toMatchObject({
      schemas: [LIST],
      totalResults: 250,
      itemsPerPage: 10,
      startIndex: 1,
    });
    expect(body.Resources.map((u) => u.id)).toEqual(
      sim.state
        .users()
        .slice(0, 10)
        .map((u) => u.id),
    );
    expect(body.Resources[0]).toEqual(sim.state.users()[0]);
  });

  it("clamps count to 100 and treats startIndex below 1 as 1", async () => {
    const body = (await call("GET", "/scim/v2/Users?count=500&startIndex=-3")).body as ListBody;
    expect(body).toMatchObject({ totalResults: 250, itemsPerPage: 100, startIndex: 1 });
  });

  it("returns only the total for count=0 and an empty last page past the end", async () => {
    expect((await call("GET", "/scim/v2/Users?count=0")).body).toEqual({
      schemas: [LIST],
      totalResults: 250,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
    const tail = (await call("GET", "/scim/v2/Users?startIndex=241&count=100")).body as ListBody;
    expect(tail).toMatchObject({ totalResults: 250, itemsPerPage: 10, startIndex: 241 });
    const past = (await call("GET", "/scim/v2/Users?startIndex=251&count=100")).body as ListBody;
    expect(past).toMatchObject({
      totalResults: 250,
      itemsPerPage: 0,
      startIndex: 251,
      Resources: [],
    });
  });

  it("pages through every user exactly once", async () => {
    const seen = new Set<unknown>();
    for (let start = 1; ; start += 100) {
      const page = (await call("GET", `/scim/v2/Users?startIndex=${start}&count=100`))
        .body as ListBody;
      for (const u of page.Resources) seen.add(u.id);
      if (start + 100 > page.totalResults) break;
    }
    expect(seen.size).toBe(250);
  });

  it("rejects a non-integer startIndex or count", async () => {
    const res = await call("GET", "/scim/v2/Users?count=ten");
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, "count must be an integer, got 'ten'", "invalidValue"));
  });
});

describe("filters", () => {
  const filter = async (f: string): Promise<ListBody> => {
    const res = await call("GET", `/scim/v2/Users?count=100&filter=${encodeURIComponent(f)}`);
    expect(res.status).toBe(200);
    return res.body as ListBody;
  };

  it("finds a user by userName, case-insensitively, as the docs' `username eq` example does", async () => {
    const u = sim.state.users()[7] as Res;
    const body = await filter(`username eq "${String(u.userName).toUpperCase()}"`);
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0]).toEqual(u);
    expect((await filter('userName eq "nobody@nowhere.example"')).totalResults).toBe(0);
  });

  it("supports eq on active and co on names, emails and titles, with and/or", async () => {
    const users = sim.state.users();
    const locked = users.filter((u) => u.active === false);
    expect(locked.length).toBeGreaterThan(0);
    expect((await filter("active eq false")).totalResults).toBe(locked.length);
    const zoes = users.filter((u) => (u.name as Res | undefined)?.givenName === "Zoë");
    expect(zoes.length).toBeGreaterThan(0);
    expect((await filter(`name.givenName eq "zoë"`)).totalResults).toBe(zoes.length);
    expect((await filter('emails co ".1@"')).totalResults).toBe(
      users.filter((u) => String(u.userName).includes(".1@")).length,
    );
    const both = users.filter((u) => u.active === false && u.userType === "Business");
    expect((await filter('active eq false and userType eq "Business"')).totalResults).toBe(
      both.length,
    );
    const either = users.filter((u) => u.userType === "Partner" || u.userType === "NonSeismic");
    expect((await filter('userType eq "Partner" or userType eq "NonSeismic"')).totalResults).toBe(
      either.length,
    );
    const withExt = users.find((u) => u.externalId !== undefined) as Res;
    expect((await filter(`externalId eq "${withExt.externalId}"`)).Resources).toEqual([withExt]);
    const title = users.filter(
      (u) => typeof u.title === "string" && u.title.toLowerCase().includes("sales"),
    );
    expect((await filter('title co "SALES"')).totalResults).toBe(title.length);
  });

  it.each([
    ['userName sw "a"', "Unsupported filter operator 'sw': only eq and co are supported"],
    ['nickName eq "x"', "Filtering on attribute 'nickName' is not supported"],
    ['active eq "true"', "'active' is boolean: use eq with true or false"],
    ["userName eq", "Invalid filter 'userName eq': [(EOT)] is not json"],
  ])("answers 400 invalidFilter for %s", async (f, detail) => {
    const res = await call("GET", `/scim/v2/Users?filter=${encodeURIComponent(f)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, detail, "invalidFilter"));
  });
});

describe("GET /scim/v2/Users/{id}", () => {
  it("returns the full resource and 404 for an unknown id", async () => {
    const u = sim.state.users()[3] as Res;
    const res = await call("GET", `/scim/v2/Users/${u.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(u);
    const missing = await call("GET", "/scim/v2/Users/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(
      scimError(404, "User 00000000-0000-4000-8000-000000000000 not found"),
    );
  });
});

describe("POST /scim/v2/Users validation", () => {
  it.each([
    [
      "no core schema",
      { schemas: [] },
      "schemas must include urn:ietf:params:scim:schemas:core:2.0:User",
      "invalidSyntax",
    ],
    [
      "no userName",
      { userName: undefined },
      "userName is required and must be 1 to 255 characters",
      "invalidValue",
    ],
    [
      "an empty userName",
      { userName: "" },
      "userName is required and must be 1 to 255 characters",
      "invalidValue",
    ],
    [
      "a 256-char userName",
      { userName: "a".repeat(256) },
      "userName is required and must be 1 to 255 characters",
      "invalidValue",
    ],
    [
      "no emails",
      { emails: undefined },
      "emails is required: exactly one email of type 'work'",
      "invalidValue",
    ],
    [
      "empty emails",
      { emails: [] },
      "emails is required: exactly one email of type 'work'",
      "invalidValue",
    ],
    [
      "two emails",
      {
        emails: [
          { value: "a@x.example", type: "work" },
          { value: "b@x.example", type: "work" },
        ],
      },
      "Only one email is supported: send exactly one email of type 'work'",
      "invalidValue",
    ],
    [
      "a home email",
      { emails: [{ value: "a@x.example", type: "home" }] },
      "Only the email type 'work' is supported",
      "invalidValue",
    ],
    [
      "an email without @",
      { emails: [{ value: "nope", type: "work" }] },
      "emails[0].value must be an email address",
      "invalidValue",
    ],
    [
      "a string active",
      { active: "false" },
      "active must be a boolean (true or false)",
      "invalidValue",
    ],
    [
      "an unknown userType",
      { userType: "Gold" },
      "userType must be one of Business, Premium, Partner, NonSeismic",
      "invalidValue",
    ],
    [
      "a role in the wrong case",
      { roles: [{ value: "learner" }] },
      "Unknown role 'learner' (role values are case-sensitive)",
      "invalidValue",
    ],
    [
      "two licences",
      { roles: [{ value: "Premium" }, { value: "Business" }] },
      "A user can hold only one content role (Business, Premium or Partner)",
      "invalidValue",
    ],
    [
      "an unknown custom property",
      { [SEISMIC]: { Shoe_Size: "44" } },
      "Unknown custom property 'Shoe_Size': see GET /scim/v2/Schemas for this tenant's properties",
      "invalidValue",
    ],
    [
      "a non-canonical custom value",
      { [SEISMIC]: { Worker_Status: "Retired" } },
      "Worker_Status must be one of Active, Leave, Terminated",
      "invalidValue",
    ],
  ])("answers 400 for %s", async (_, patch, detail, scimType) => {
    const before = sim.state.userCount();
    const res = await call("POST", "/scim/v2/Users", {
      ...newUser("valid.user@acme.example"),
      ...patch,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, detail, scimType));
    expect(sim.state.userCount()).toBe(before);
  });

  it("answers 400 invalidSyntax for a body that is not JSON", async () => {
    const res = await call("POST", "/scim/v2/Users", "{not json");
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, "The request body is not valid JSON", "invalidSyntax"));
  });

  it("answers 409 uniqueness for a userName already taken, in any case", async () => {
    const taken = String(sim.state.users()[0]?.userName).toUpperCase();
    const res = await call("POST", "/scim/v2/Users", newUser(taken));
    expect(res.status).toBe(409);
    expect(res.body).toEqual(scimError(409, `userName '${taken}' is already in use`, "uniqueness"));
  });
});

describe("create, replace and delete", () => {
  it("creates a user (201, Location) that reads back through get, list and filter", async () => {
    const res = await call(
      "POST",
      "/scim/v2/Users",
      newUser("new.hire@acme.example", {
        name: { givenName: "Ólafur", familyName: "Петров" },
        userType: "Premium",
        title: "AE",
        externalId: "X-1",
        [ENTERPRISE]: { department: "Sales" },
        [SEISMIC]: { Country: "IS", Worker_Status: "Active" },
      }),
    );
    expect(res.status).toBe(201);
    const user = res.body as Res;
    expect(res.headers.get("location")).toBe(`${sim.apiUrl}/scim/v2/Users/${user.id}`);
    expect(user).toMatchObject({
      userName: "new.hire@acme.example",
      name: { givenName: "Ólafur", familyName: "Петров", formatted: "Ólafur Петров" },
      emails: [{ value: "new.hire@acme.example", type: "work", primary: true }],
      active: true,
      userType: "Premium",
      [ENTERPRISE]: { department: "Sales" },
      [SEISMIC]: { Country: "IS", Worker_Status: "Active" },
      meta: { resourceType: "User", location: res.headers.get("location") },
    });
    expect(user.roles).toBeUndefined();
    expect((await call("GET", `/scim/v2/Users/${user.id}`)).body).toEqual(user);
    const found = (await call("GET", '/scim/v2/Users?filter=userName+eq+"new.hire@acme.example"'))
      .body as ListBody;
    expect(found.Resources).toEqual([user]);
    const last = (await call("GET", `/scim/v2/Users?startIndex=${sim.state.userCount()}&count=1`))
      .body as ListBody;
    expect(last.Resources).toEqual([user]);
  });

  it("lets roles take precedence over userType on create", async () => {
    const res = await call(
      "POST",
      "/scim/v2/Users",
      newUser("roles.first@acme.example", {
        userType: "Business",
        roles: [{ value: "Partner" }, { value: "Field Sales: EMEA" }],
        active: false,
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      userType: "Partner",
      roles: [{ value: "Partner" }, { value: "Field Sales: EMEA" }],
      active: false,
    });
  });

  it("PUT replaces the whole user: missing fields become absent", async () => {
    const created = (
      await call(
        "POST",
        "/scim/v2/Users",
        newUser("put.me@acme.example", { title: "Old", userType: "Business" }),
      )
    ).body as Res;
    const res = await call(
      "PUT",
      `/scim/v2/Users/${created.id}`,
      newUser("put.renamed@acme.example", { active: false }),
    );
    expect(res.status).toBe(200);
    const put = res.body as Res;
    expect(put).toMatchObject({
      id: created.id,
      userName: "put.renamed@acme.example",
      active: false,
    });
    expect(put.title).toBeUndefined();
    expect(put.userType).toBeUndefined();
    expect((put.meta as Res).created).toBe((created.meta as Res).created);
    const clash = await call(
      "PUT",
      `/scim/v2/Users/${created.id}`,
      newUser(String(sim.state.users()[0]?.userName)),
    );
    expect(clash.status).toBe(409);
    const missing = await call(
      "PUT",
      "/scim/v2/Users/00000000-0000-4000-8000-000000000000",
      newUser("x@acme.example"),
    );
    expect(missing.status).toBe(404);
  });

  it("DELETE is permanent: 204, then 404, gone from lists and groups", async () => {
    const member = sim.state.groups().find((g) => (g.members as unknown[]).length > 0) as Res;
    const id = ((member.members as Res[])[0] as Res).value as string;
    const total = sim.state.userCount();
    const res = await call("DELETE", `/scim/v2/Users/${id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await call("GET", `/scim/v2/Users/${id}`)).status).toBe(404);
    expect((await call("DELETE", `/scim/v2/Users/${id}`)).status).toBe(404);
    expect(((await call("GET", "/scim/v2/Users?count=0")).body as ListBody).totalResults).toBe(
      total - 1,
    );
    expect(sim.state.groupMemberIds(member.id as string)).not.toContain(id);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { SeismicError } from "./errors.js";
import { ENTERPRISE_USER_SCHEMA, SCIM_PATCH_SCHEMA, SCIM_USER_SCHEMA } from "./models.js";
import { scimString } from "./scim.js";
import { closeAll, listResponse, scimUser, startHarness } from "./test-support/harness.js";

afterEach(closeAll);

describe("SCIM calls", () => {
  it("escapes quotes and backslashes in the userName filter and matches case-insensitively", async () => {
    const { fake, client } = await startHarness();
    const userName = 'O"Brien\\x@example.com';
    fake.apiHandler = () => ({
      json: listResponse(
        [scimUser("other"), scimUser("u1", { userName: userName.toUpperCase() })],
        2,
      ),
    });
    const user = await client.findUserByUserName(userName);
    expect(user?.id).toBe("u1");
    expect(fake.apiRequests[0]?.query.get("filter")).toBe(
      'userName eq "O\\"Brien\\\\x@example.com"',
    );
    expect(scimString('a"b')).toBe('"a\\"b"');
  });

  it("asks a group's member pages for ids only, and reads full users when the server ignores that", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ json: listResponse([scimUser("u1"), scimUser("u2")], 2) });
    const page = await client.listGroupMembers("g1", { startIndex: 1, count: 100 });
    expect(page.Resources.map((u) => u.id)).toEqual(["u1", "u2"]);
    const query = fake.apiRequests[0]?.query;
    expect(query?.get("attributes")).toBe("id");
    expect(query?.get("startIndex")).toBe("1");
    expect(query?.get("count")).toBe("100");
  });

  it("returns undefined when no user matches", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ json: listResponse([], 0) });
    expect(await client.findUserByUserName("nobody@example.com")).toBeUndefined();
  });

  it("encodes path segments", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ json: scimUser("x") });
    await client.getUser("a/b?c#d");
    fake.apiHandler = () => ({ status: 204 });
    await client.removeUserFromGroup("u 1", "g/1");
    expect(fake.apiRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /scim/v2/Users/a%2Fb%3Fc%23d",
      "DELETE /scim/v2/Users/u%201/Groups/g%2F1",
    ]);
  });

  it("sends replace-only PATCH bodies with paths and accepts a 204 reply", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ status: 204 });
    const result = await client.patchUser("u1", [
      { op: "replace", path: "active", value: false },
      { op: "replace", path: "roles", value: [{ value: "Premium" }] },
    ]);
    expect(result).toBeUndefined();
    const request = fake.apiRequests[0];
    expect(request?.method).toBe("PATCH");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      schemas: [SCIM_PATCH_SCHEMA],
      Operations: [
        { op: "replace", path: "active", value: false },
        { op: "replace", path: "roles", value: [{ value: "Premium" }] },
      ],
    });
  });

  it("refuses PATCH operations Seismic rejects, before sending", async () => {
    const { fake, client } = await startHarness();
    const bad = [{ op: "add", path: "active", value: false }] as never;
    expect(() => client.patchUser("u1", bad)).toThrow(SeismicError);
    expect(() => client.patchUser("u1", [{ op: "replace", path: " ", value: 1 }])).toThrow(
      /non-empty path/,
    );
    expect(() => client.patchUser("u1", [])).toThrow(/at least one/);
    expect(() => client.getUser("")).toThrow(/userId/);
    expect(fake.requests).toHaveLength(0);
  });

  it("fills in schemas on create, including extensions present in the body", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) => ({
      status: 201,
      json: { active: true, ...JSON.parse(r.body), id: "new" },
    });
    const user = await client.createUser({
      userName: "ada@example.com",
      emails: [{ value: "ada@example.com", type: "work" }],
      roles: [{ value: "Business" }],
      [ENTERPRISE_USER_SCHEMA]: { department: "R&D" },
    });
    expect(user.id).toBe("new");
    const body = JSON.parse(fake.apiRequests[0]?.body ?? "");
    expect(body.schemas).toEqual([SCIM_USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    expect(user.active).toBe(true);
  });

  it("replaces with PUT, deletes with DELETE, adds membership with POST", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) =>
      r.method === "PUT" ? { json: { ...JSON.parse(r.body), active: true } } : { status: 204 };
    await client.replaceUser("u1", { userName: "a", emails: [{ value: "a@b.c", type: "work" }] });
    await client.deleteUser("u1");
    await client.addUserToGroup("u1", "g1");
    expect(fake.apiRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PUT /scim/v2/Users/u1",
      "DELETE /scim/v2/Users/u1",
      "POST /scim/v2/Users/u1/Groups/g1",
    ]);
    expect(JSON.parse(fake.apiRequests[0]?.body ?? "").id).toBe("u1");
  });

  it("reads schemas, groups and reporting tables", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) => {
      switch (r.path) {
        case "/scim/v2/Schemas":
          return {
            json: listResponse([{ id: SCIM_USER_SCHEMA, attributes: [{ name: "userName" }] }], 1),
          };
        case "/scim/v2/Groups/g1":
          return { json: { id: "g1", displayName: "Sales", members: [{ value: "u1" }] } };
        case "/reporting/v2/roles":
          return { json: [{ id: "r1", roleName: "Admin" }] };
        case "/reporting/v2/userRoleAssignments":
          return { json: [{ roleId: "r1", assigneeId: "u1" }] };
        default:
          return { status: 404 };
      }
    };
    expect((await client.getSchemas()).Resources[0]?.id).toBe(SCIM_USER_SCHEMA);
    expect((await client.getGroup("g1")).members?.[0]?.value).toBe("u1");
    expect(await client.listPlatformRoles()).toMatchObject([{ id: "r1", roleName: "Admin" }]);
    expect(await client.listUserRoleAssignments()).toMatchObject([
      { roleId: "r1", assigneeId: "u1" },
    ]);
    expect(fake.apiRequests.find((r) => r.path.startsWith("/reporting"))?.headers.accept).toBe(
      "application/json",
    );
  });

  it("rejects a page size above 100", async () => {
    const { client } = await startHarness();
    expect(() => client.listUsers({ count: 101 })).toThrow(/0 to 100/);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { SeismicError } from "./errors.js";
import {
  ENTERPRISE_USER_SCHEMA,
  PlatformRoleTable,
  ScimMemberUserList,
  ScimUser,
  SEISMIC_USER_EXTENDED_SCHEMA,
  SEISMIC_USER_SCHEMA,
} from "./models.js";
import { closeAll, listResponse, scimUser, startHarness } from "./test-support/harness.js";

afterEach(closeAll);

const fullUser = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER_SCHEMA],
  id: "0b5e0c6a-1111-4000-8000-000000000001",
  userName: "ada@example.com",
  externalId: null,
  name: { givenName: "Ada", familyName: "Lovelace", formatted: null },
  displayName: "Ada Lovelace",
  emails: [{ value: "ada@example.com", type: "work", primary: true }],
  active: false,
  title: "Engineer",
  userType: "Premium",
  preferredLanguage: "en_US",
  timezone: "Europe/London",
  roles: [{ value: "Premium" }, { value: "Learner", primary: false }],
  meta: {
    resourceType: "User",
    created: "2024-01-01T00:00:00Z",
    lastModified: "2024-02-01T00:00:00Z",
  },
  [ENTERPRISE_USER_SCHEMA]: {
    department: "R&D",
    organization: "Acme",
    costCenter: "42",
    division: "X",
  },
  [SEISMIC_USER_SCHEMA]: { Cost_Center: "42", Manager_Level_2: { nested: true } },
  [SEISMIC_USER_EXTENDED_SCHEMA]: {
    location: "London",
    hireDate: "2020-01-01",
    deactivatedTime: null,
  },
  someNewAttribute: { x: 1 },
};

describe("models", () => {
  it("accepts a full Seismic user, keeps unknown attributes and turns nulls into undefined", () => {
    const user = ScimUser.parse(fullUser);
    expect(user.active).toBe(false);
    expect(user.externalId).toBeUndefined();
    expect(user.name?.formatted).toBeUndefined();
    expect(user[ENTERPRISE_USER_SCHEMA]?.department).toBe("R&D");
    expect(user[SEISMIC_USER_SCHEMA]?.Cost_Center).toBe("42");
    expect(user[SEISMIC_USER_EXTENDED_SCHEMA]?.location).toBe("London");
    expect(user.someNewAttribute).toEqual({ x: 1 });
    expect(user.roles?.map((r) => r.value)).toEqual(["Premium", "Learner"]);
  });

  it("defaults emails to [] and keeps a missing active flag unknown, never true", () => {
    expect(ScimUser.parse({ id: "a", userName: "b", active: true }).emails).toEqual([]);
    expect(ScimUser.parse({ id: "a", userName: "b" }).active).toBeUndefined();
    expect(ScimUser.parse({ id: "a", userName: "b", active: null }).active).toBeUndefined();
    expect(ScimUser.safeParse({ id: "a", userName: "b", active: "yes" }).success).toBe(false);
  });

  it("accepts reporting tables as bare arrays or wrapped", () => {
    const role = { id: "r1", roleName: "Admin", isPredefined: true, extra: 1 };
    expect(PlatformRoleTable.parse([role])[0]?.roleName).toBe("Admin");
    expect(PlatformRoleTable.parse({ items: [role] })).toHaveLength(1);
    expect(PlatformRoleTable.safeParse({ items: [{ id: "r1" }] }).success).toBe(false);
  });
});

describe("response validation", () => {
  it("names the endpoint and the field path", async () => {
    const { fake, client } = await startHarness();
    const resources = [scimUser("a"), scimUser("b"), scimUser("c"), { ...scimUser("d"), id: 4 }];
    fake.apiHandler = () => ({ json: listResponse(resources, 4) });
    const error = (await client.listUsers().catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("invalid_response");
    expect(error.endpoint).toBe("GET /scim/v2/Users");
    expect(error.message).toContain(
      "GET /scim/v2/Users returned a malformed response: Resources[3].id: expected string",
    );
  });

  it("quotes URN keys in field paths", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({
      json: scimUser("a", { [ENTERPRISE_USER_SCHEMA]: { department: 7 } }),
    });
    const error = (await client.getUser("a").catch((e: unknown) => e)) as SeismicError;
    expect(error.message).toContain(
      `GET /scim/v2/Users/{userId} returned a malformed response: ["${ENTERPRISE_USER_SCHEMA}"].department: expected string`,
    );
  });

  it("rejects a non-JSON or empty 200 body", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ text: "<html>maintenance</html>" });
    await expect(client.listPlatformRoles()).rejects.toMatchObject({
      code: "invalid_response",
      message: expect.stringContaining(
        'GET /reporting/v2/roles answered 200 with 24 bytes of text/plain that are not JSON, starting "<html>maintenance</html>"',
      ),
    });
    fake.apiHandler = () => ({ text: "" });
    await expect(client.getGroup("g")).rejects.toMatchObject({
      code: "invalid_response",
      message: expect.stringContaining("answered 200 with an empty body, where JSON was expected"),
    });
  });

  it("rejects reporting rows missing required fields", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ json: [{ id: "x", roleId: "r" }] });
    await expect(client.listUserRoleAssignments()).rejects.toMatchObject({
      code: "invalid_response",
      message: expect.stringContaining("[0].assigneeId: expected string"),
    });
  });
});

describe("group member listing", () => {
  it("keeps only the id of each listed member and still requires it", () => {
    const page = ScimMemberUserList.parse({
      totalResults: 2,
      Resources: [fullUser, { id: "u2", userName: "x" }],
    });
    expect(page.Resources).toEqual([{ id: fullUser.id }, { id: "u2" }]);
    const bad = ScimMemberUserList.safeParse({
      totalResults: 1,
      Resources: [{ userName: "no-id" }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["Resources", 0, "id"]);
  });
});

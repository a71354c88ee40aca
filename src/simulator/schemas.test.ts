// Tests of the simulator: /Schemas and the tenant's custom extension, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken, type Res, scimError, URN } from "./harness.js";

const { SEISMIC } = URN;

import { type Simulator, startSimulator } from "./index.js";

let sim: Simulator;
let call: Call;

beforeAll(async () => {
  sim = await startSimulator({ users: 5, groups: 1 });
  call = caller(sim, await getToken(sim, "seismic.user.view"));
});
afterAll(() => sim.close());

describe("GET /scim/v2/Schemas", () => {
  it("lists the core, enterprise and tenant-specific schemas without paging", async () => {
    const res = await call("GET", "/scim/v2/Schemas");
    expect(res.status).toBe(200);
    const body = res.body as { totalResults: number; Resources: Res[] };
    expect(body.Resources.map((s) => s.id)).toEqual([
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:core:2.0:Group",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      SEISMIC,
      "urn:ietf:params:scim:schemas:extension:seismic:2.0:UserExtendedProperty",
    ]);
    expect(body.totalResults).toBe(5);
  });

  it("describes the tenant's custom properties, canonical values included", async () => {
    const res = await call("GET", `/scim/v2/Schemas/${SEISMIC}`);
    expect(res.status).toBe(200);
    const attrs = (res.body as { attributes: Res[] }).attributes;
    expect(attrs.map((a) => a.name)).toEqual([
      "Employee_ID",
      "Country",
      "Cost_Center",
      "Function",
      "Manager_Level_2",
      "Worker_Status",
    ]);
    expect(attrs.find((a) => a.name === "Worker_Status")).toMatchObject({
      type: "string",
      canonicalValues: ["Active", "Leave", "Terminated"],
    });
    const missing = await call("GET", "/scim/v2/Schemas/urn:nope");
    expect(missing.body).toEqual(scimError(404, "Schema urn:nope not found"));
  });

  it("has no ResourceTypes or ServiceProviderConfig (not in Seismic's docs)", async () => {
    const res = await call("GET", "/scim/v2/ServiceProviderConfig");
    expect(res.status).toBe(404);
    expect(res.body).toEqual(scimError(404, "No endpoint GET /scim/v2/ServiceProviderConfig"));
  });
});

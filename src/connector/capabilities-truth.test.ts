// One truth for what can be provisioned: the committed baton_capabilities.json, GetMetadata and
// the provisioning services agree, type by type. A type advertises CAPABILITY_PROVISION exactly
// when a grant on it changes Seismic (and its revoke undoes it); on every other type Grant and
// Revoke answer FailedPrecondition with the type's reason (grant_cancelled) and call nothing.
import { readFileSync } from "node:fs";
import { toJson } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { c1zTypeRegistry } from "../baton/c1z/type-registry.js";
import { Code, ConnectError } from "../baton/errors.js";
import {
  type ConnectorClients,
  connectorClients,
  inProcessTransport,
} from "../baton/sync/clients.js";
import {
  Capability,
  type ConnectorCapabilities,
  ConnectorCapabilitiesSchema,
} from "../gen/c1/connector/v2/connector_pb.js";
import type { Resource } from "../gen/c1/connector/v2/resource_pb.js";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import type { Simulator } from "../simulator/index.js";
import {
  apiCallsSince,
  closeAll,
  connectTo,
  type SimConnector,
  startSim,
} from "./test-support/sim-connector.js";

const committedFile = new URL("../../baton_capabilities.json", import.meta.url);

describe("capabilities match what provisioning does", () => {
  let sim: Simulator;
  let h: SimConnector;
  let clients: ConnectorClients;
  let caps: ConnectorCapabilities;
  let principal: Resource;

  beforeAll(async () => {
    sim = await startSim({ users: 30, groups: 3, seed: 11 });
    h = connectTo(sim);
    clients = connectorClients(inProcessTransport(h.connector, { provisioning: true }));
    const meta = await clients.connector.getMetadata({});
    caps = meta.metadata?.capabilities as ConnectorCapabilities;
    const users = await clients.resources.listResources({ resourceTypeId: "user" });
    principal = users.list.find(
      (u) => u.id?.resource !== sim.delegationUserId && u.profile?.active === true,
    ) as Resource;
  });
  afterAll(closeAll);

  const provisionable = () =>
    caps.resourceTypeCapabilities
      .filter((t) => t.capabilities.includes(Capability.PROVISION))
      .map((t) => t.resourceType?.id);

  it("GetMetadata reports exactly the committed baton_capabilities.json", () => {
    const { "@type": type, ...committed } = JSON.parse(readFileSync(committedFile, "utf8"));
    expect(type).toBe("type.googleapis.com/c1.connector.v2.ConnectorCapabilities");
    expect(toJson(ConnectorCapabilitiesSchema, caps, { registry: c1zTypeRegistry })).toEqual(
      committed,
    );
  });

  it("advertises CAPABILITY_PROVISION for group and role only", () => {
    expect(provisionable()).toEqual(["group", "role"]);
    expect(caps.connectorCapabilities).toContain(Capability.PROVISION);
  });

  it("grants and revokes on every advertised type, and refuses with the reason elsewhere", async () => {
    const tried: string[] = [];
    for (const t of caps.resourceTypeCapabilities) {
      const typeId = t.resourceType?.id ?? "";
      const resources = await clients.resources.listResources({ resourceTypeId: typeId });
      const entitlements = await Promise.all(
        resources.list.map((r) => clients.entitlements.listEntitlements({ resource: r })),
      );
      const entitlement = entitlements.flatMap((e) => e.list)[0];
      if (!entitlement) {
        // Nothing to grant (users hold no entitlements): nothing may be advertised either.
        expect(t.capabilities, typeId).not.toContain(Capability.PROVISION);
        continue;
      }
      tried.push(typeId);
      const grant = {
        entitlement,
        principal,
        id: `${entitlement.id}:user:${principal.id?.resource}`,
      };
      if (t.capabilities.includes(Capability.PROVISION)) {
        const granted = await clients.grantManager.grant({ entitlement, principal });
        expect(
          granted.grants.map((g) => g.principal?.id?.resource),
          typeId,
        ).toEqual([principal.id?.resource]);
        await clients.grantManager.revoke({ grant });
        continue;
      }
      const reason = h.syncer(typeId).provisioningRefusal;
      expect(reason, typeId).toMatch(/read-only/);
      const before = sim.state.calls();
      for (const call of [
        () => clients.grantManager.grant({ entitlement, principal }),
        () => clients.grantManager.revoke({ grant }),
      ]) {
        const err = ConnectError.from(
          await call().then(
            () => new Error("no error"),
            (e) => e,
          ),
        );
        expect(err.code, typeId).toBe(Code.FailedPrecondition);
        expect(err.rawMessage, typeId).toBe(reason);
        const info = err.findDetails(ErrorInfoSchema)[0];
        expect(info?.reason, typeId).toBe("grant_cancelled");
      }
      expect(apiCallsSince(sim, before), typeId).toBe(0);
    }
    expect(tried.sort()).toEqual(["group", "license", "platform_role", "role"]);
  });
});

// CreateAccount requests: routed by the requested type, else to the connector's only account
// manager (the runtime never guesses a type by its id); the Go server's credential rules checked
// before the connector runs.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CapabilityDetailCredentialOption } from "../../gen/c1/connector/v2/connector_pb.js";
import { ResourceSchema, ResourceTypeSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import type { AccountManager, Connector, ResourceSyncer } from "../connector.js";
import { Code, ConnectError } from "../errors.js";
import { connectorClients, inProcessTransport } from "../sync/clients.js";

function syncerWithAccounts(id: string): ResourceSyncer {
  const accounts: AccountManager = {
    credentialDetails: {
      supportedCredentialOptions: [CapabilityDetailCredentialOption.NO_PASSWORD],
      preferredCredentialOption: CapabilityDetailCredentialOption.NO_PASSWORD,
    },
    async create(info) {
      return {
        kind: "success",
        resource: create(ResourceSchema, { id: { resourceType: id, resource: info.login } }),
      };
    },
  };
  return {
    resourceType: create(ResourceTypeSchema, { id, displayName: id }),
    list: async () => ({ items: [] }),
    entitlements: async () => ({ items: [] }),
    grants: async () => ({ items: [] }),
    accounts,
  };
}

function clientsOf(...syncers: ResourceSyncer[]) {
  const connector: Connector = {
    metadata: async () => ({ displayName: "test" }),
    validate: async () => [],
    syncers,
  };
  return connectorClients(inProcessTransport(connector, { provisioning: true }));
}

const request = (resourceTypeId = "") => ({
  resourceTypeId,
  accountInfo: { login: "ada" },
});

describe("CreateAccount routing", () => {
  it("goes to the only account manager when no type is given, whatever its id", async () => {
    const res = await clientsOf(syncerWithAccounts("member")).accounts.createAccount(request());
    expect(res.result.value?.resource?.id).toMatchObject({
      resourceType: "member",
      resource: "ada",
    });
  });

  it("goes to the requested type, and asks for one when several create accounts", async () => {
    const clients = clientsOf(syncerWithAccounts("user"), syncerWithAccounts("service_account"));
    const res = await clients.accounts.createAccount(request("service_account"));
    expect(res.result.value?.resource?.id?.resourceType).toBe("service_account");
    const err = ConnectError.from(
      await clients.accounts.createAccount(request()).catch((e: unknown) => e),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe(
      'invalid CreateAccountRequest.resource_type_id: is required: resource types "user", "service_account" create accounts',
    );
  });
});

describe("CreateAccount credential rules", () => {
  const clients = clientsOf(syncerWithAccounts("user"));
  const failure = async (req: Parameters<typeof clients.accounts.createAccount>[0]) =>
    ConnectError.from(await clients.accounts.createAccount(req).catch((e: unknown) => e));

  it("takes the Go SDK's default request: a 20-character random password and a JWK config", async () => {
    const res = await clients.accounts.createAccount({
      ...request(),
      credentialOptions: { options: { case: "randomPassword", value: { length: 20n } } },
      encryptionConfigs: [{ provider: "baton/jwk/v1" }],
    });
    expect(res.result.case).toBe("success");
    expect(res.encryptedData).toEqual([]);
  });

  it("refuses a random password outside 8..64 and a malformed encrypted password, naming the field", async () => {
    for (const length of [7n, 65n]) {
      const err = await failure({
        ...request(),
        credentialOptions: { options: { case: "randomPassword", value: { length } } },
      });
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toBe(
        `invalid CreateAccountRequest.credential_options.random_password.length: must be 8..64, got ${length}`,
      );
    }
    const empty = await failure({
      ...request(),
      credentialOptions: { options: { case: "encryptedPassword", value: {} } },
    });
    expect(empty.rawMessage).toContain("credential_options.encrypted_password.encrypted_passwords");
    const withConfigs = await failure({
      ...request(),
      credentialOptions: {
        options: { case: "encryptedPassword", value: { encryptedPasswords: [{ provider: "x" }] } },
      },
      encryptionConfigs: [{ provider: "baton/jwk/v1" }],
    });
    expect(withConfigs.code).toBe(Code.InvalidArgument);
    expect(withConfigs.rawMessage).toContain("CreateAccountRequest.encryption_configs");
  });
});

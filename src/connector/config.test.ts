// Configuration: the fields the CLI generates flags and env vars from, and the typed config with
// one UsageError that names every missing flag and environment variable.
import { describe, expect, it } from "vitest";
import { envName } from "../baton/cli/fields.js";
import { UsageError } from "../baton/errors.js";
import { seismicFields, toConnectorConfig } from "./config.js";

const full = {
  seismicTenant: "acme",
  seismicClientId: "id",
  seismicClientSecret: "secret-value",
  seismicDelegationUserId: "0b7c7d1e-1111-4222-8333-444455556666",
};

describe("seismic fields", () => {
  it("use ConductorOne's names, mark secrets and give the documented defaults", () => {
    const byName = new Map(seismicFields.map((f) => [f.name, f]));
    expect(envName("seismic-delegation-user-id")).toBe("BATON_SEISMIC_DELEGATION_USER_ID");
    expect(byName.get("seismic-client-secret")?.secret).toBe(true);
    expect(byName.get("seismic-scim-token")?.secret).toBe(true);
    expect(byName.get("seismic-api-url")?.default).toBe("https://api.seismic.com");
    expect(byName.get("seismic-auth-url")?.default).toBe("https://auth.seismic.com");
    expect(byName.get("seismic-delete-mode")?.default).toBe("deactivate");
    expect(byName.get("seismic-rate-limit")?.default).toBe(600);
    expect(byName.get("seismic-membership-writes")?.default).toBe("per-user");
    expect(byName.get("seismic-skip-platform-roles")?.default).toBe(false);
    expect(byName.get("demo")?.kind).toBe("boolean");
    expect(seismicFields.every((f) => f.group === "Connector")).toBe(true);
  });
});

describe("toConnectorConfig", () => {
  it("fills defaults", () => {
    expect(toConnectorConfig(full)).toEqual({
      tenant: "acme",
      clientId: "id",
      clientSecret: "secret-value",
      delegationUserId: full.seismicDelegationUserId,
      apiUrl: "https://api.seismic.com",
      authUrl: "https://auth.seismic.com",
      deleteMode: "deactivate",
      rateLimit: 600,
      membershipWrites: "per-user",
      skipPlatformRoles: false,
      membershipSource: "scim",
      readAhead: 16,
    });
    expect(
      toConnectorConfig({
        ...full,
        seismicRateLimit: 0,
        seismicDeleteMode: "delete",
        seismicScimToken: "t",
        seismicMembershipSource: "reporting",
        seismicReadAhead: 0,
      }),
    ).toMatchObject({
      rateLimit: 0,
      deleteMode: "delete",
      scimToken: "t",
      membershipSource: "reporting",
      readAhead: 0,
    });
  });

  it("names every missing flag and env var, and the demo way out", () => {
    const err = (() => {
      try {
        toConnectorConfig({ seismicClientId: "id", seismicClientSecret: " " });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).toContain("missing --seismic-tenant (BATON_SEISMIC_TENANT)");
    expect(message).toContain("--seismic-client-secret (BATON_SEISMIC_CLIENT_SECRET)");
    expect(message).toContain("--seismic-delegation-user-id (BATON_SEISMIC_DELEGATION_USER_ID)");
    expect(message).not.toContain("--seismic-client-id ");
    expect(message).toContain("--demo");
  });

  it("reads the membership write mode and the platform-role switch", () => {
    expect(
      toConnectorConfig({
        ...full,
        seismicMembershipWrites: "group-replace",
        seismicSkipPlatformRoles: true,
      }),
    ).toMatchObject({ membershipWrites: "group-replace", skipPlatformRoles: true });
    expect(() => toConnectorConfig({ ...full, seismicMembershipWrites: "bulk" })).toThrow(
      /--seismic-membership-writes \(BATON_SEISMIC_MEMBERSHIP_WRITES\): expected per-user or group-replace/,
    );
  });

  it("says when the syncs will not ask for grants (a one-shot resources-only sync)", () => {
    expect(toConnectorConfig({ ...full, skipEntitlementsAndGrants: true }).readsGrants).toBe(false);
    expect(toConnectorConfig(full).readsGrants).toBeUndefined();
  });

  it("rejects a bad delete mode, rate limit or membership source naming the flag", () => {
    expect(() => toConnectorConfig({ ...full, seismicReadAhead: -1 })).toThrow(
      /--seismic-read-ahead/,
    );
    expect(() => toConnectorConfig({ ...full, seismicMembershipSource: "ldap" })).toThrow(
      /--seismic-membership-source \(BATON_SEISMIC_MEMBERSHIP_SOURCE\): expected scim or reporting/,
    );
    expect(() => toConnectorConfig({ ...full, seismicDeleteMode: "purge" })).toThrow(
      /--seismic-delete-mode/,
    );
    expect(() => toConnectorConfig({ ...full, seismicRateLimit: -1 })).toThrow(
      /--seismic-rate-limit/,
    );
  });

  it("rejects a base URL that is not one, naming the flag, its variable and the fix", () => {
    expect(() => toConnectorConfig({ ...full, seismicApiUrl: "api.seismic" })).toThrow(
      new UsageError(
        '--seismic-api-url (BATON_SEISMIC_API_URL): "api.seismic" is not a URL; give the full base URL with its scheme, e.g. https://api.seismic.com',
      ),
    );
    expect(() => toConnectorConfig({ ...full, seismicAuthUrl: "ftp://auth.example" })).toThrow(
      '--seismic-auth-url (BATON_SEISMIC_AUTH_URL): "ftp://auth.example" is not an http(s) URL; give the full base URL with its scheme, e.g. https://auth.seismic.com',
    );
    expect(() =>
      toConnectorConfig({ ...full, seismicApiUrl: "https://u:p@api.example/x?q=1" }),
    ).toThrow(/--seismic-api-url .*"https:\/\/api\.example\/x" must carry no credentials/);
    expect(toConnectorConfig({ ...full, seismicApiUrl: "http://127.0.0.1:8080/" }).apiUrl).toBe(
      "http://127.0.0.1:8080/",
    );
  });
});

// Account creation and deletion against the simulator: one work email, licence and roles, an
// existing login reported as already existing, deactivate (default) or delete, the delegation
// user refused, and unknown users reported as not existing.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { has, pick } from "../baton/annotations.js";
import type { ProvisionResult } from "../baton/connector.js";
import { Code } from "../baton/errors.js";
import {
  CredentialNotSetSchema,
  ResourceDeactivatedSchema,
} from "../gen/baton_seismic/v1/annotations_pb.js";
import { ResourceDoesNotExistSchema } from "../gen/c1/connector/v2/annotation_resource_pb.js";
import { UserTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import { CapabilityDetailCredentialOption } from "../gen/c1/connector/v2/connector_pb.js";
import {
  AccountInfoSchema,
  CredentialOptionsSchema,
  type ResourceId,
  ResourceIdSchema,
} from "../gen/c1/connector/v2/resource_pb.js";
import type { Simulator } from "../simulator/index.js";
import { accountToScim } from "./accounts.js";
import {
  callsSince,
  closeAll,
  connectTo,
  plainCtx,
  type SimConnector,
  startSim,
} from "./test-support/sim-connector.js";

const userId = (id: string): ResourceId =>
  create(ResourceIdSchema, { resourceType: "user", resource: id });
const noPassword = create(CredentialOptionsSchema, { options: { case: "noPassword", value: {} } });

describe("accounts", () => {
  let sim: Simulator;
  let h: SimConnector;

  beforeAll(async () => {
    sim = await startSim({ users: 20, groups: 2, seed: 13 });
    h = connectTo(sim);
  });
  afterAll(closeAll);

  it("declares NO_PASSWORD (preferred) and the creation form", () => {
    const accounts = h.syncer("user").accounts;
    expect(accounts?.credentialDetails.preferredCredentialOption).toBe(
      CapabilityDetailCredentialOption.NO_PASSWORD,
    );
    expect(Object.keys(accounts?.creationSchema?.fieldMap ?? {})).toEqual([
      "login",
      "email",
      "given_name",
      "family_name",
      "license",
      "roles",
    ]);
  });

  it("creates a user with one work email, licence and roles, and reports a repeat as existing", async () => {
    const info = create(AccountInfoSchema, {
      login: "new.person@acme.example",
      emails: [{ address: "new.person@acme.example", isPrimary: true }],
      profile: {
        given_name: "New",
        family_name: "Person",
        license: "Business",
        roles: ["Learner"],
      },
    });
    const accounts = h.syncer("user").accounts;
    const result = await accounts?.create(info, noPassword, plainCtx());
    expect(result?.kind).toBe("success");
    const id = result && "resource" in result ? (result.resource?.id?.resource ?? "") : "";
    const stored = sim.state.user(id);
    expect(stored?.userName).toBe("new.person@acme.example");
    expect(stored?.emails).toEqual([
      { value: "new.person@acme.example", type: "work", primary: true },
    ]);
    expect(stored?.roles).toEqual([{ value: "Business" }, { value: "Learner" }]);
    expect(stored?.userType).toBe("Business");
    expect(pick(result?.resource?.annotations ?? [], UserTraitSchema)?.login).toBe(
      "new.person@acme.example",
    );

    const before = sim.state.calls();
    const again = await accounts?.create(info, noPassword, plainCtx());
    expect(again?.kind).toBe("already_exists");
    expect(again?.resource?.id?.resource).toBe(id);
    expect(callsSince(sim, before).has("POST /scim/v2/Users")).toBe(false);
  });

  it("rejects what Seismic cannot take, naming the field", async () => {
    const accounts = h.syncer("user").accounts;
    const bad: { info: MessageInitShape<typeof AccountInfoSchema>; field: string }[] = [
      { info: { login: "", emails: [] }, field: "AccountInfo.login" },
      { info: { login: "x@acme.example", emails: [] }, field: "AccountInfo.emails" },
      {
        info: {
          login: "x@acme.example",
          emails: [{ address: "x@acme.example" }],
          profile: { license: "Gold" },
        },
        field: "license",
      },
      {
        info: {
          login: "x@acme.example",
          emails: [{ address: "x@acme.example" }],
          profile: { roles: ["Premium"] },
        },
        field: "roles",
      },
      {
        info: {
          login: "x@acme.example",
          emails: [{ address: "x@acme.example" }],
          profile: { first_name: "Ada" },
        },
        field:
          'AccountInfo.profile: unknown key "first_name"; the keys are login, email, given_name, family_name, license, roles',
      },
    ];
    for (const b of bad) {
      await expect(
        accounts?.create(create(AccountInfoSchema, b.info), noPassword, plainCtx()),
      ).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: expect.stringContaining(b.field),
      });
    }
  });

  it("creates the account without a password whatever credential is asked for, and says so", async () => {
    const accounts = h.syncer("user").accounts;
    const asked: MessageInitShape<typeof CredentialOptionsSchema>["options"][] = [
      { case: "randomPassword", value: { length: 20n } },
      {
        case: "encryptedPassword",
        value: {
          encryptedPasswords: [{ provider: "baton/jwk/v1", encryptedBytes: new Uint8Array([1]) }],
        },
      },
    ];
    for (const [i, options] of asked.entries()) {
      const login = `pw${i}@acme.example`;
      const info = create(AccountInfoSchema, {
        login,
        emails: [{ address: login, isPrimary: true }],
      });
      const credentials = create(CredentialOptionsSchema, { options });
      const result = await accounts?.create(info, credentials, plainCtx());
      expect(result?.kind).toBe("success");
      expect(sim.state.users().some((u) => u.userName === login)).toBe(true);
      const note = pick(result?.annotations ?? [], CredentialNotSetSchema);
      const requested = i === 0 ? "random_password" : "encrypted_password";
      expect(note).toMatchObject({ requestedOption: requested });
      expect(note?.reason).toMatch(/SSO or the invitation/);
      const logged = h.logger.entries.find(
        (e) => e.message.includes(login) && e.message.includes("without a password"),
      );
      expect(logged?.fields).toEqual({ userName: login, requestedCredential: requested });
      // A repeat finds the account, and still says that no credential was set.
      const again = await accounts?.create(info, credentials, plainCtx());
      expect(again?.kind).toBe("already_exists");
      expect(pick(again?.annotations ?? [], CredentialNotSetSchema)?.requestedOption).toBe(
        requested,
      );
    }
    // NO_PASSWORD and SSO are what Seismic does: nothing to say.
    const sso = await accounts?.create(
      create(AccountInfoSchema, {
        login: "sso@acme.example",
        emails: [{ address: "sso@acme.example" }],
      }),
      create(CredentialOptionsSchema, { options: { case: "sso", value: { ssoProvider: "okta" } } }),
      plainCtx(),
    );
    expect(sso?.kind).toBe("success");
    expect(sso?.annotations).toEqual([]);
  });

  it("maps profile roles given as text and keeps the licence first", () => {
    const body = accountToScim(
      create(AccountInfoSchema, {
        login: "z@acme.example",
        profile: { email: "z@acme.example", license: "Partner", roles: "Creator, Learner" },
      }),
    );
    expect(body.roles).toEqual([{ value: "Partner" }, { value: "Creator" }, { value: "Learner" }]);
    expect(body.emails).toEqual([{ value: "z@acme.example", type: "work", primary: true }]);
  });

  it("deactivates a user (idempotently) and refuses the delegation user", async () => {
    const target = sim.state
      .users()
      .find((u) => u.active === true && u.id !== sim.delegationUserId) as { id: string };
    const del = h.syncer("user").delete;
    const deactivated = (r: ProvisionResult | undefined) =>
      pick(r?.annotations ?? [], ResourceDeactivatedSchema);
    const first = await del?.(userId(target.id), undefined, plainCtx());
    expect(deactivated(first)).toMatchObject({ alreadyInactive: false });
    expect(sim.state.user(target.id)?.active).toBe(false);
    const before = sim.state.calls();
    const again = await del?.(userId(target.id), undefined, plainCtx());
    expect(deactivated(again)).toMatchObject({ alreadyInactive: true });
    expect(callsSince(sim, before).has("PATCH /scim/v2/Users/{id}")).toBe(false);

    await expect(
      del?.(userId(sim.delegationUserId.toUpperCase()), undefined, plainCtx()),
    ).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage: expect.stringContaining("delegation user"),
    });
    expect(sim.state.user(sim.delegationUserId)?.active).toBe(true);

    const unknown = await del?.(
      userId("00000000-0000-4000-8000-000000000000"),
      undefined,
      plainCtx(),
    );
    expect(has(unknown?.annotations ?? [], ResourceDoesNotExistSchema)).toBe(true);
  });

  it("deletes permanently only in delete mode", async () => {
    const hd = connectTo(sim, { deleteMode: "delete" });
    const target = sim.state.users().find((u) => u.id !== sim.delegationUserId) as { id: string };
    const del = hd.syncer("user").delete;
    expect(await del?.(userId(target.id), undefined, plainCtx())).toEqual({});
    expect(sim.state.user(target.id)).toBeUndefined();
    const again = await del?.(userId(target.id), undefined, plainCtx());
    expect(has(again?.annotations ?? [], ResourceDoesNotExistSchema)).toBe(true);
    await expect(del?.(userId(sim.delegationUserId), undefined, plainCtx())).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });
  });
});

/**
 * Account provisioning for `user`: create (POST /Users with Seismic's one-work-email rule, an
 * existing login reported as already existing, never duplicated; whatever credential the host
 * asks for, the account gets none and the response says so) and delete (deactivate by
 * default, permanent delete only when configured; the delegation user is always refused). Every
 * change is read back before success is reported.
 */
import type { JsonObject, JsonValue, MessageInitShape } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import type {
  AccountManager,
  AccountResult,
  CallContext,
  ProvisionResult,
} from "../baton/connector.js";
import { Code, connectorError, invalidArgument } from "../baton/errors.js";
import {
  CredentialNotSetSchema,
  ResourceDeactivatedSchema,
} from "../gen/baton_seismic/v1/annotations_pb.js";
import { ResourceDoesNotExistSchema } from "../gen/c1/connector/v2/annotation_resource_pb.js";
import {
  CapabilityDetailCredentialOption,
  type ConnectorAccountCreationSchemaSchema,
} from "../gen/c1/connector/v2/connector_pb.js";
import type {
  AccountInfo,
  CredentialOptions,
  ResourceId,
} from "../gen/c1/connector/v2/resource_pb.js";
import { type ScimUser, type ScimUserInput, SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { projectUser } from "./user-directory.js";
import { userResource } from "./user-resource.js";
import { findUserById, refuseDelegationUser, setUserActive } from "./user-status.js";
import { isLicence, LICENCES } from "./vocabulary.js";

type CreationSchema = MessageInitShape<typeof ConnectorAccountCreationSchemaSchema>;

const text = (
  displayName: string,
  description: string,
  order: number,
  required: boolean,
  placeholder = "",
) => ({
  displayName,
  description,
  order,
  required,
  placeholder,
  field: { case: "stringField" as const, value: {} },
});

/** The account form platforms show (profile keys). */
export const accountCreationSchema: CreationSchema = {
  fieldMap: {
    login: text("Login", "Seismic userName (usually the work email).", 1, true, "ada@example.com"),
    email: text("Email", "Work email; Seismic keeps exactly one, of type work.", 2, true),
    given_name: text("Given name", "First name.", 3, false),
    family_name: text("Family name", "Last name.", 4, false),
    license: text("License", `Content licence: ${LICENCES.join(", ")}.`, 5, false, "Business"),
    roles: {
      displayName: "Roles",
      description: "Learning roles (case-sensitive), e.g. Learner, Creator or a custom role.",
      order: 6,
      required: false,
      placeholder: "",
      field: { case: "stringListField", value: {} },
    },
  },
};

function str(profile: JsonObject, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = profile[k];
    if (typeof v === "string" && v.trim() !== "") return v.trim();
  }
  return undefined;
}

function roleList(value: JsonValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) && typeof value !== "string") {
    throw invalidArgument("AccountInfo.profile.roles", "must be a list of role names");
  }
  // The CLI's --create-account-profile may carry roles as "Learner,Creator".
  const items = Array.isArray(value) ? value : value.split(",");
  return items.map((r) => String(r).trim()).filter((r) => r !== "");
}

/** Other spellings of the schema's profile keys that requests may use. */
const PROFILE_ALIASES = ["givenName", "familyName", "licence", "userType"];

/** Builds the SCIM user to create from the account request. */
export function accountToScim(info: AccountInfo): ScimUserInput {
  const profile = info.profile ?? {};
  // A key we would ignore is refused: a misspelt name must not create a nameless account.
  const keys = Object.keys(accountCreationSchema.fieldMap ?? {});
  const unknown = Object.keys(profile).find(
    (k) => !keys.includes(k) && !PROFILE_ALIASES.includes(k),
  );
  if (unknown !== undefined)
    throw invalidArgument(
      "AccountInfo.profile",
      `unknown key "${unknown}"; the keys are ${keys.join(", ")}`,
    );
  const login = info.login.trim() || str(profile, "login");
  if (!login) throw invalidArgument("AccountInfo.login", "is required (the Seismic userName)");
  const email =
    info.emails.find((e) => e.isPrimary)?.address ??
    info.emails[0]?.address ??
    str(profile, "email");
  if (!email) throw invalidArgument("AccountInfo.emails", "one work email is required");
  const license = str(profile, "license", "licence", "userType");
  if (license !== undefined && !isLicence(license)) {
    throw invalidArgument(
      "AccountInfo.profile.license",
      `must be one of ${LICENCES.join(", ")} (case-sensitive), got "${license}"`,
    );
  }
  const roles = roleList(profile.roles);
  const stray = roles.filter((r) => isLicence(r) && r !== license);
  if (stray.length > 0) {
    throw invalidArgument(
      "AccountInfo.profile.roles",
      `licence values (${stray.join(", ")}) belong in profile.license, not in roles`,
    );
  }
  const given = str(profile, "given_name", "givenName");
  const family = str(profile, "family_name", "familyName");
  // Seismic lets `roles` override `userType`, so the licence goes into roles whenever roles are sent.
  const allRoles = [...new Set([...(license ? [license] : []), ...roles])];
  return {
    userName: login,
    emails: [{ value: email, type: "work", primary: true }],
    ...(given || family
      ? {
          name: {
            ...(given ? { givenName: given } : {}),
            ...(family ? { familyName: family } : {}),
          },
        }
      : {}),
    active: true,
    ...(license ? { userType: license } : {}),
    ...(allRoles.length > 0 ? { roles: allRoles.map((value) => ({ value })) } : {}),
  };
}

/** Why a Seismic account gets no credential, whatever the request asked for. */
export const NO_CREDENTIAL_REASON =
  "Seismic accounts have no password set through the API: users sign in through SSO or the invitation Seismic sends; no credential was set or returned";

/**
 * The credential option the request asked for that a Seismic account cannot have, in the proto's
 * spelling (`random_password`, `encrypted_password`, ...); undefined for none, NO_PASSWORD or SSO.
 */
function unsupportedCredential(credentials: CredentialOptions | undefined): string | undefined {
  const kind = credentials?.options.case;
  if (kind === undefined || kind === "noPassword" || kind === "sso") return undefined;
  return kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Creates Seismic users. */
export function userAccounts(sc: SeismicContext): AccountManager {
  const find = (login: string, signal: AbortSignal) =>
    sc.seismic.run((c) => c.findUserByUserName(login, signal));
  return {
    credentialDetails: {
      supportedCredentialOptions: [
        CapabilityDetailCredentialOption.NO_PASSWORD,
        CapabilityDetailCredentialOption.SSO,
      ],
      preferredCredentialOption: CapabilityDetailCredentialOption.NO_PASSWORD,
    },
    creationSchema: accountCreationSchema,
    async create(info, credentials, ctx: CallContext): Promise<AccountResult> {
      const body = accountToScim(info);
      const requested = unsupportedCredential(credentials);
      // Hosts ask for a password by default (the Go SDK's CLI asks for a random one): the account
      // is created all the same, without one, and the response says so.
      const annotations = requested
        ? [
            pack(CredentialNotSetSchema, {
              requestedOption: requested,
              reason: NO_CREDENTIAL_REASON,
            }),
          ]
        : [];
      const result = await createOrFind(body, ctx.signal);
      if (requested) {
        sc.logger.info(
          { userName: body.userName, requestedCredential: requested },
          `${result.kind === "success" ? "created" : "found existing"} Seismic user ${body.userName} without a password (${requested} was requested): ${NO_CREDENTIAL_REASON}`,
        );
      }
      return { kind: result.kind, resource: userResource(result.user), annotations };
    },
  };

  /** POSTs the user unless the login exists; a conflict or ambiguous failure is resolved by a read. */
  async function createOrFind(
    body: ScimUserInput,
    signal: AbortSignal,
  ): Promise<{ kind: "success" | "already_exists"; user: ScimUser }> {
    const existing = await find(body.userName, signal);
    if (existing) return { kind: "already_exists", user: existing };
    let created: ScimUser;
    try {
      created = await sc.seismic.run((c) => c.createUser(body, signal));
    } catch (e) {
      // A conflict means someone created it meanwhile; an ambiguous failure may have succeeded.
      if (!SeismicError.is(e, "conflict", "server_error", "network")) throw e;
      const now = await find(body.userName, signal);
      if (!now) throw e;
      if (SeismicError.is(e, "conflict")) return { kind: "already_exists", user: now };
      created = now;
    }
    const readBack = await sc.seismic.run((c) => c.getUser(created.id, signal));
    sc.directory.peek()?.update(readBack.id, projectUser(readBack));
    return { kind: "success", user: readBack };
  }
}

const doesNotExist = (): ProvisionResult => ({
  annotations: [pack(ResourceDoesNotExistSchema, {})],
});

/** Deletes (deactivates, by default) Seismic users. */
export function userDeleter(
  sc: SeismicContext,
): (id: ResourceId, parent: ResourceId | undefined, ctx: CallContext) => Promise<ProvisionResult> {
  return async (id, _parent, ctx) => {
    const userId = id.resource;
    refuseDelegationUser(sc, userId, sc.config.deleteMode);
    if (sc.config.deleteMode === "delete") {
      try {
        await sc.seismic.run((c) => c.deleteUser(userId, ctx.signal));
      } catch (e) {
        if (SeismicError.is(e, "not_found")) return doesNotExist();
        throw e;
      }
      if (await findUserById(sc, userId, ctx.signal)) {
        throw connectorError(
          Code.Unavailable,
          `Seismic accepted DELETE of user ${userId} but still returns the user; try again`,
        );
      }
      sc.directory.peek()?.update(userId, undefined);
      return {};
    }
    const change = await setUserActive(sc, userId, false, ctx.signal);
    if (change.outcome === "missing") return doesNotExist();
    // Kept, locked and reversible: the response says so, so no one reads it as a deletion.
    return {
      annotations: [
        pack(ResourceDeactivatedSchema, { alreadyInactive: change.outcome === "already" }),
      ],
    };
  };
}

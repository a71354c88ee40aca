/**
 * Baton actions on `user`: `enable_user` (SCIM active=true), `disable_user` (active=false; never
 * the delegation user) and `update_user_profile` (a declared set of profile attributes, each
 * validated, written as one PATCH of `replace` operations with a path). Each reads the user first,
 * makes at most one write (none when nothing would change, reported as such, like a repeated
 * grant) and reads the user back before it reports success.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { resourceIdArg } from "../baton/actions/action-args.js";
import type { ActionSchema, ResourceAction } from "../baton/connector.js";
import { Code, connectorError, invalidArgument } from "../baton/errors.js";
import { ActionType } from "../gen/c1/connector/v2/action_pb.js";
import {
  ENTERPRISE_USER_SCHEMA,
  type ScimReplaceOperation,
  type ScimUser,
} from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { userType } from "./resource-types.js";
import { projectUser } from "./user-directory.js";
import { findUserById, refuseDelegationUser, setUserActive } from "./user-status.js";

const USER_ID = "user_id";

const text = (name: string, displayName: string, description: string, isRequired = false) => ({
  name,
  displayName,
  description,
  isRequired,
  field: { case: "stringField" as const, value: {} },
});

const userIdArgument = {
  name: USER_ID,
  displayName: "User",
  description: "The Seismic user (its SCIM id, the Baton resource id of the user).",
  isRequired: true,
  field: { case: "resourceIdField" as const, value: { resourceTypeId: userType.id } },
};

const returns = [
  {
    name: "success",
    displayName: "Success",
    description: "The user is now as asked.",
    field: { case: "boolField" as const, value: {} },
  },
  {
    name: "changed",
    displayName: "Changed",
    description: "False when the user already was as asked, so nothing was written.",
    field: { case: "boolField" as const, value: {} },
  },
  text("message", "Message", "What happened, in words."),
];

/** One profile attribute `update_user_profile` may set. */
interface ProfileAttribute {
  readonly arg: string;
  readonly label: string;
  /** The SCIM PATCH path. */
  readonly path: string;
  read(user: ScimUser): string | undefined;
  /** What is wrong with a (trimmed, non-empty) value, or undefined. */
  check?(value: string): string | undefined;
}

const enterprise = (attr: "department" | "organization" | "costCenter") => (u: ScimUser) =>
  u[ENTERPRISE_USER_SCHEMA]?.[attr];

/** Tags like Seismic's `en_US` (language, then optional region or script parts). */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/;

function timeZoneProblem(value: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return undefined;
  } catch {
    return 'must be an IANA time zone such as "Europe/London"';
  }
}

/** The attributes the action declares, in argument order. */
export const PROFILE_ATTRIBUTES: readonly ProfileAttribute[] = [
  { arg: "title", label: "Title", path: "title", read: (u) => u.title },
  {
    arg: "given_name",
    label: "Given name",
    path: "name.givenName",
    read: (u) => u.name?.givenName,
  },
  {
    arg: "family_name",
    label: "Family name",
    path: "name.familyName",
    read: (u) => u.name?.familyName,
  },
  {
    arg: "department",
    label: "Department",
    path: `${ENTERPRISE_USER_SCHEMA}:department`,
    read: enterprise("department"),
  },
  {
    arg: "organization",
    label: "Organization",
    path: `${ENTERPRISE_USER_SCHEMA}:organization`,
    read: enterprise("organization"),
  },
  {
    arg: "cost_center",
    label: "Cost center",
    path: `${ENTERPRISE_USER_SCHEMA}:costCenter`,
    read: enterprise("costCenter"),
  },
  {
    arg: "preferred_language",
    label: "Preferred language",
    path: "preferredLanguage",
    read: (u) => u.preferredLanguage,
    check: (v) => (LANGUAGE_TAG.test(v) ? undefined : 'must be a language tag such as "en_US"'),
  },
  {
    arg: "timezone",
    label: "Time zone",
    path: "timezone",
    read: (u) => u.timezone,
    check: timeZoneProblem,
  },
];

/** Longest value accepted for a profile attribute. */
const MAX_ATTRIBUTE_LENGTH = 256;

/** The attribute values of an update, validated; at least one. */
function profileChanges(args: JsonObject): Map<ProfileAttribute, string> {
  const out = new Map<ProfileAttribute, string>();
  for (const attribute of PROFILE_ATTRIBUTES) {
    const raw = args[attribute.arg];
    if (raw === undefined) continue;
    const field = `InvokeActionRequest.args.${attribute.arg}`;
    const value = String(raw).trim();
    if (value === "") {
      throw invalidArgument(field, "must not be empty (clearing an attribute is not supported)");
    }
    if (value.length > MAX_ATTRIBUTE_LENGTH) {
      throw invalidArgument(field, `must be at most ${MAX_ATTRIBUTE_LENGTH} characters`);
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw invalidArgument(field, "must not contain control characters (tabs, line breaks, ...)");
    }
    const problem = attribute.check?.(value);
    if (problem) throw invalidArgument(field, problem);
    out.set(attribute, value);
  }
  if (out.size === 0) {
    throw invalidArgument(
      "InvokeActionRequest.args",
      `give at least one of ${PROFILE_ATTRIBUTES.map((a) => a.arg).join(", ")}`,
    );
  }
  return out;
}

function userMissing(userId: string): Error {
  return connectorError(Code.NotFound, `Seismic has no user ${userId}`);
}

/** enable_user / disable_user. */
function activeAction(sc: SeismicContext, active: boolean): ResourceAction {
  const verb = active ? "enable" : "disable";
  const state = active ? "enabled" : "disabled";
  const schema: ActionSchema = {
    name: `${verb}_user`,
    displayName: active ? "Enable user" : "Disable user",
    description: active
      ? "Unlocks a Seismic user (SCIM active=true) so they can sign in again."
      : "Locks a Seismic user (SCIM active=false): kept, reversible with enable_user. The delegation user cannot be disabled.",
    arguments: [userIdArgument],
    returnTypes: returns,
    actionType: [active ? ActionType.ACCOUNT_ENABLE : ActionType.ACCOUNT_DISABLE],
  };
  return {
    schema,
    prepare(args) {
      const userId = resourceIdArg(args, USER_ID);
      if (!active) refuseDelegationUser(sc, userId, "disable");
      return async (ctx) => {
        const change = await setUserActive(sc, userId, active, ctx.signal);
        if (change.outcome === "missing") throw userMissing(userId);
        const changed = change.outcome === "changed";
        return {
          response: {
            success: true,
            changed,
            message: changed ? `${state} user ${userId}` : `user ${userId} was already ${state}`,
          },
        };
      };
    },
  };
}

/** update_user_profile. */
function updateProfileAction(sc: SeismicContext): ResourceAction {
  const schema: ActionSchema = {
    name: "update_user_profile",
    displayName: "Update user profile",
    description: `Sets profile attributes of a Seismic user (${PROFILE_ATTRIBUTES.map((a) => a.arg).join(", ")}) in one SCIM PATCH; attributes that already have the value are left alone.`,
    arguments: [
      userIdArgument,
      ...PROFILE_ATTRIBUTES.map((a) =>
        text(a.arg, a.label, `New ${a.label.toLowerCase()} (SCIM ${a.path}).`),
      ),
    ],
    returnTypes: [
      ...returns,
      {
        name: "updated",
        displayName: "Updated attributes",
        description: "The attributes that were written.",
        field: { case: "stringSliceField" as const, value: {} },
      },
    ],
    actionType: [ActionType.ACCOUNT_UPDATE_PROFILE],
  };
  return {
    schema,
    prepare(args) {
      const userId = resourceIdArg(args, USER_ID);
      const wanted = profileChanges(args);
      return async (ctx) => {
        const user = await findUserById(sc, userId, ctx.signal);
        if (!user) throw userMissing(userId);
        const differing = [...wanted].filter(([a, value]) => a.read(user) !== value);
        if (differing.length === 0) {
          return {
            response: {
              success: true,
              changed: false,
              updated: [],
              message: `user ${userId} already has these values`,
            },
          };
        }
        const operations: ScimReplaceOperation[] = differing.map(([a, value]) => ({
          op: "replace",
          path: a.path,
          value,
        }));
        await sc.seismic.run((c) => c.patchUser(userId, operations, ctx.signal));
        const after = await findUserById(sc, userId, ctx.signal);
        if (!after) throw userMissing(userId);
        const notVisible = differing.filter(([a, value]) => a.read(after) !== value);
        if (notVisible.length > 0) {
          throw connectorError(
            Code.Unavailable,
            `Seismic accepted the update of user ${userId} but does not show ${notVisible.map(([a]) => a.arg).join(", ")} when read back; try again`,
          );
        }
        sc.directory.peek()?.update(after.id, projectUser(after));
        const updated = differing.map(([a]) => a.arg);
        return {
          response: {
            success: true,
            changed: true,
            updated,
            message: `updated ${updated.join(", ")} of user ${userId}`,
          },
        };
      };
    },
  };
}

/** The actions of the `user` type. */
export function userActions(sc: SeismicContext): ResourceAction[] {
  return [activeAction(sc, true), activeAction(sc, false), updateProfileAction(sc)];
}

// SCIM `filter=` support: the expression is parsed by scim2-parse-filter, then compiled here into
// a predicate over stored records. Only what Seismic documents is accepted (eq and co, joined by
// and/or, on the documented attributes); anything else is a 400 invalidFilter, as a strict server
// would answer, so a client relying on unsupported operators fails loudly in tests.

import { type Filter, parse } from "scim2-parse-filter";
import { URN } from "./catalog.js";
import { ScimError } from "./http.js";
import type { GroupRecord, UserRecord } from "./state.js";

type Value = string | boolean | undefined | readonly string[];

interface Attribute<R> {
  get(r: R): Value;
  /** True for caseExact attributes (ids, externalId); other strings compare case-insensitively. */
  caseExact?: boolean;
  boolean?: boolean;
}

const USER_ATTRIBUTES: Record<string, Attribute<UserRecord>> = {
  id: { get: (u) => u.id, caseExact: true },
  username: { get: (u) => u.userName },
  "name.givenname": { get: (u) => u.givenName },
  "name.familyname": { get: (u) => u.familyName },
  title: { get: (u) => u.title },
  usertype: { get: (u) => u.userType },
  preferredlanguage: { get: (u) => u.preferredLanguage },
  timezone: { get: (u) => u.timezone },
  active: { get: (u) => u.active, boolean: true },
  emails: { get: (u) => [u.email] },
  "emails.value": { get: (u) => [u.email] },
  "emails.type": { get: () => ["work"] },
  externalid: { get: (u) => u.externalId, caseExact: true },
};

const GROUP_ATTRIBUTES: Record<string, Attribute<GroupRecord>> = {
  id: { get: (g) => g.id, caseExact: true },
  displayname: { get: (g) => g.displayName },
  externalid: { get: (g) => g.externalId, caseExact: true },
};

const EMAIL_SUB: Record<string, Attribute<UserRecord>> = {
  value: { get: (u) => [u.email] },
  type: { get: () => ["work"] },
};

export type Predicate<R> = (r: R) => boolean;

const invalid = (detail: string): ScimError => new ScimError(400, detail, "invalidFilter");

/** Strips the core schema URN that fully qualified attribute paths may carry. */
function attrKey(path: string, coreUrn: string): string {
  const lower = path.toLowerCase();
  const prefix = `${coreUrn.toLowerCase()}:`;
  return lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
}

function compile<R>(
  f: Filter,
  attrs: Record<string, Attribute<R>>,
  coreUrn: string,
  subAttrs?: Record<string, Record<string, Attribute<R>>>,
): Predicate<R> {
  switch (f.op) {
    case "and":
    case "or": {
      const parts = (f as { filters: Filter[] }).filters.map((x) =>
        compile(x, attrs, coreUrn, subAttrs),
      );
      return f.op === "and" ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
    }
    case "[]": {
      const vp = f as { attrPath: string; valFilter: Filter };
      const sub = subAttrs?.[attrKey(vp.attrPath, coreUrn)];
      if (sub === undefined) throw invalid(`Filtering on '${vp.attrPath}[...]' is not supported`);
      return compile(vp.valFilter, sub, coreUrn);
    }
    case "eq":
    case "co": {
      const c = f as { attrPath: string; compValue: unknown };
      const attr = attrs[attrKey(c.attrPath, coreUrn)];
      if (attr === undefined)
        throw invalid(`Filtering on attribute '${c.attrPath}' is not supported`);
      return comparison(f.op, c.attrPath, c.compValue, attr);
    }
    default:
      throw invalid(`Unsupported filter operator '${f.op}': only eq and co are supported`);
  }
}

function comparison<R>(
  op: "eq" | "co",
  path: string,
  v: unknown,
  attr: Attribute<R>,
): Predicate<R> {
  if (attr.boolean === true) {
    if (op !== "eq" || typeof v !== "boolean") {
      throw invalid(`'${path}' is boolean: use eq with true or false`);
    }
    return (r) => attr.get(r) === v;
  }
  if (typeof v !== "string") throw invalid(`'${path}' is a string: compare it with a quoted value`);
  const want = attr.caseExact === true ? v : v.toLowerCase();
  const norm = (s: string): string => (attr.caseExact === true ? s : s.toLowerCase());
  const test =
    op === "eq" ? (s: string) => norm(s) === want : (s: string) => norm(s).includes(want);
  return (r) => {
    const got = attr.get(r);
    if (got === undefined || typeof got === "boolean") return false;
    if (typeof got === "string") return test(got);
    return got.some(test);
  };
}

function parseOrThrow(expression: string): Filter {
  try {
    return parse(expression);
  } catch (e) {
    throw invalid(`Invalid filter '${expression}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function userFilter(expression: string): Predicate<UserRecord> {
  return compile(parseOrThrow(expression), USER_ATTRIBUTES, URN.user, { emails: EMAIL_SUB });
}

export function groupFilter(expression: string): Predicate<GroupRecord> {
  return compile(parseOrThrow(expression), GROUP_ATTRIBUTES, URN.group);
}

/** The value of a plain `userName eq "..."` filter, which the index answers without a scan. */
export function userNameEquals(expression: string): string | undefined {
  const f = parseOrThrow(expression);
  if (f.op !== "eq") return undefined;
  const c = f as { attrPath: string; compValue: unknown };
  return attrKey(c.attrPath, URN.user) === "username" && typeof c.compValue === "string"
    ? c.compValue
    : undefined;
}

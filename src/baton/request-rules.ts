/**
 * The protoc-gen-validate rules of the wire contract that a Go connector server enforces
 * on incoming requests, checked here so a bad request is answered with InvalidArgument naming the
 * field before any connector code runs. Like the Go validator, the first violation wins.
 */
import type { ConnectError } from "@connectrpc/connect";
import type { CredentialOptions } from "../gen/c1/connector/v2/resource_pb.js";
import { invalidArgument } from "./errors.js";
import { MAX_PAGE_SIZE, MAX_PAGE_TOKEN_BYTES } from "./pagination.js";

const utf8 = new TextEncoder();

function bytes(s: string): number {
  return utf8.encode(s).length;
}

/** A rule check: returns an error for the first violated rule, or undefined. */
export type Check = () => ConnectError | undefined;

/** Runs the checks in order and throws the first violation. */
export function enforce(...checks: Check[]): void {
  for (const check of checks) {
    const err = check();
    if (err) throw err;
  }
}

/** A string that must be 1..max bytes. */
export function required(field: string, value: string | undefined, max = 1024): Check {
  return () => {
    if (value === undefined || value === "") return invalidArgument(field, "value is required");
    if (bytes(value) > max) return invalidArgument(field, `value must be at most ${max} bytes`);
    return undefined;
  };
}

/** A string that, when set, must be 1..max bytes. */
export function optional(field: string, value: string | undefined, max = 1024): Check {
  return () => {
    if (value && bytes(value) > max)
      return invalidArgument(field, `value must be at most ${max} bytes`);
    return undefined;
  };
}

/** A message field that must be set. */
export function present(field: string, value: unknown): Check {
  return () =>
    value === undefined || value === null ? invalidArgument(field, "value is required") : undefined;
}

/** `page_size` ≤ 250 when non-zero. */
export function pageSizeRule(type: string, size: number): Check {
  return () =>
    size > MAX_PAGE_SIZE
      ? invalidArgument(`${type}.page_size`, `value must be at most ${MAX_PAGE_SIZE} (got ${size})`)
      : undefined;
}

/** `page_token` ≤ 1 MiB when set. */
export function pageTokenRule(type: string, token: string): Check {
  return optional(`${type}.page_token`, token, MAX_PAGE_TOKEN_BYTES);
}

/** The paging and sync-id rules shared by every sync list request. */
export function listRules(
  type: string,
  req: { pageSize: number; pageToken: string; activeSyncId: string },
): Check[] {
  return [
    pageSizeRule(type, req.pageSize),
    pageTokenRule(type, req.pageToken),
    optional(`${type}.active_sync_id`, req.activeSyncId),
  ];
}

/** A ResourceId whose type and id are both required. */
export function resourceIdRules(
  field: string,
  id: { resourceType: string; resource: string } | undefined,
): Check[] {
  return [
    present(field, id),
    required(`${field}.resource_type`, id?.resourceType),
    required(`${field}.resource`, id?.resource),
  ];
}

/** A message field that must be set, returned non-null (InvalidArgument naming it otherwise). */
export function must<T>(field: string, value: T | undefined | null): T {
  if (value === undefined || value === null) throw invalidArgument(field, "value is required");
  return value;
}

/** A ResourceId with both parts set, returned non-null (InvalidArgument naming the part otherwise). */
export function resourceIdOf<T extends { resourceType: string; resource: string }>(
  field: string,
  id: T | undefined,
): T {
  enforce(...resourceIdRules(field, id));
  return id as T;
}

/**
 * CreateAccount's credential rules, as the Go server applies them before the connector runs: a
 * random password of 8..64 characters; an encrypted password with at least one entry and no
 * encryption configs (the caller already knows that password, so nothing is encrypted back).
 */
export function credentialRules(req: {
  credentialOptions?: CredentialOptions | undefined;
  encryptionConfigs: readonly unknown[];
}): Check[] {
  const T = "CreateAccountRequest.credential_options";
  const options = req.credentialOptions?.options;
  return [
    () => {
      if (options?.case !== "randomPassword") return undefined;
      const length = options.value.length;
      return length < 8n || length > 64n
        ? invalidArgument(`${T}.random_password.length`, `must be 8..64, got ${length}`)
        : undefined;
    },
    () => {
      if (options?.case !== "encryptedPassword") return undefined;
      if (options.value.encryptedPasswords.length === 0) {
        return invalidArgument(
          `${T}.encrypted_password.encrypted_passwords`,
          "at least one is required",
        );
      }
      return req.encryptionConfigs.length > 0
        ? invalidArgument(
            "CreateAccountRequest.encryption_configs",
            "must be empty with an encrypted password: the caller already knows it",
          )
        : undefined;
    },
  ];
}

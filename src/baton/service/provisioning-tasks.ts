/**
 * Provisioning tasks: grant, revoke, create account, create and
 * delete resource, rotate and issue credentials. Each checks that the task carries what the call
 * needs (a malformed task never reaches the connector), calls the connector's own service through
 * the in-process clients, and finishes with `Any(<response>)` and its annotations. Every failure
 * is non-retryable, as in Go: the connector already retried what was transient, and repeating a
 * change C1 did not see the outcome of could do it twice.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  GrantManagerServiceGrantResponseSchema,
  GrantManagerServiceRevokeResponseSchema,
} from "../../gen/c1/connector/v2/grant_pb.js";
import {
  CreateAccountResponseSchema,
  CreateResourceResponseSchema,
  CredentialOptionsSchema,
  DeleteResourceResponseSchema,
  IssueCredentialResponseSchema,
  RotateCredentialResponseSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import type {
  Task_CreateAccountTask,
  Task_CreateResourceTask,
  Task_DeleteResourceTask,
  Task_GrantTask,
  Task_IssueCredentialTask,
  Task_RevokeTask,
  Task_RotateCredentialsTask,
} from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import type { TaskContext } from "./task-context.js";
import { failed, succeeded, type TaskOutcome } from "./task-outcome.js";

/** A task that lacks what its call needs: non-retryable, the tenant untouched. */
export function malformed(what: string, why: string): TaskOutcome {
  return failed(new ConnectError(`malformed ${what} task: ${why}`, Code.InvalidArgument), true);
}

/** Runs a provisioning call; any error is the task's non-retryable failure. */
async function provision(call: () => Promise<TaskOutcome>): Promise<TaskOutcome> {
  try {
    return await call();
  } catch (e) {
    return failed(e, true);
  }
}

export function grantTask(t: Task_GrantTask, ctx: TaskContext): Promise<TaskOutcome> {
  const { entitlement, principal } = t;
  if (!entitlement) return Promise.resolve(malformed("grant", "it has no entitlement"));
  if (!principal) return Promise.resolve(malformed("grant", "it has no principal"));
  // As in Go, the task's annotations and duration are not passed to the connector.
  return provision(async () =>
    succeeded(
      GrantManagerServiceGrantResponseSchema,
      await ctx.clients.grantManager.grant({ entitlement, principal }, { signal: ctx.signal }),
    ),
  );
}

export function revokeTask(t: Task_RevokeTask, ctx: TaskContext): Promise<TaskOutcome> {
  const { grant } = t;
  if (!grant) return Promise.resolve(malformed("revoke", "it has no grant"));
  return provision(async () =>
    succeeded(
      GrantManagerServiceRevokeResponseSchema,
      await ctx.clients.grantManager.revoke({ grant }, { signal: ctx.signal }),
    ),
  );
}

/**
 * Create account. Passwords C1 encrypted for this connector are the entries whose key ids hold
 * the client secret's thumbprint; only those are passed on, and a request with none of them, or
 * with encryption configs as well, is refused as Go refuses it.
 */
export function createAccountTask(
  t: Task_CreateAccountTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  const { accountInfo } = t;
  if (!accountInfo) return Promise.resolve(malformed("create account", "it has no account_info"));
  let credentialOptions = t.credentialOptions;
  if (credentialOptions?.options.case === "encryptedPassword") {
    if (t.encryptionConfigs.length > 0) {
      return Promise.resolve(
        malformed("create account", "an encrypted password cannot come with encryption_configs"),
      );
    }
    const mine = credentialOptions.options.value.encryptedPasswords.filter((e) =>
      e.keyIds.includes(ctx.keyId),
    );
    if (mine.length === 0) {
      return Promise.resolve(
        malformed(
          "create account",
          `no encrypted password is addressed to this connector's key (key id ${ctx.keyId}); the password was encrypted for other credentials`,
        ),
      );
    }
    credentialOptions = create(CredentialOptionsSchema, {
      forceChangeAtNextLogin: credentialOptions.forceChangeAtNextLogin,
      options: { case: "encryptedPassword", value: { encryptedPasswords: mine } },
    });
  }
  return provision(async () =>
    succeeded(
      CreateAccountResponseSchema,
      await ctx.clients.accounts.createAccount(
        {
          accountInfo,
          ...(credentialOptions ? { credentialOptions } : {}),
          encryptionConfigs: t.encryptionConfigs,
          resourceTypeId: t.resourceTypeId,
        },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function createResourceTask(
  t: Task_CreateResourceTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  const { resource } = t;
  if (!resource) return Promise.resolve(malformed("create resource", "it has no resource"));
  return provision(async () =>
    succeeded(
      CreateResourceResponseSchema,
      await ctx.clients.resourceManager.createResource({ resource }, { signal: ctx.signal }),
    ),
  );
}

export function deleteResourceTask(
  t: Task_DeleteResourceTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  const { resourceId, parentResourceId } = t;
  if (!resourceId?.resource || !resourceId.resourceType) {
    return Promise.resolve(
      malformed("delete resource", "resource_id needs both resource_type and resource"),
    );
  }
  return provision(async () =>
    succeeded(
      DeleteResourceResponseSchema,
      await ctx.clients.resourceManager.deleteResource(
        { resourceId, ...(parentResourceId ? { parentResourceId } : {}) },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function rotateCredentialsTask(
  t: Task_RotateCredentialsTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  const { resourceId } = t;
  if (!resourceId) return Promise.resolve(malformed("rotate credentials", "it has no resource_id"));
  return provision(async () =>
    succeeded(
      RotateCredentialResponseSchema,
      await ctx.clients.credentials.rotateCredential(
        {
          resourceId,
          ...(t.credentialOptions ? { credentialOptions: t.credentialOptions } : {}),
          encryptionConfigs: t.encryptionConfigs,
        },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function issueCredentialTask(
  t: Task_IssueCredentialTask,
  taskId: string,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  const { identityId, credentialOptions } = t;
  if (!identityId || !credentialOptions || t.encryptionConfigs.length === 0) {
    return Promise.resolve(
      malformed(
        "issue credential",
        "it needs identity_id, credential_options and at least one encryption config",
      ),
    );
  }
  // Issuance may have happened before a failure, so the task id makes a retry idempotent.
  return provision(async () =>
    succeeded(
      IssueCredentialResponseSchema,
      await ctx.clients.credentials.issueCredential(
        {
          identityId,
          credentialOptions,
          encryptionConfigs: t.encryptionConfigs,
          requestId: taskId,
          ...(t.expiresAt ? { expiresAt: t.expiresAt } : {}),
        },
        { signal: ctx.signal },
      ),
    ),
  );
}

/**
 * `ConnectorService`: metadata with computed capabilities, Validate with the Go builder's bounded
 * retries and the `sdk_version` Go reports (`v0.25.0`), and Cleanup after a sync.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  ConnectorAccountCreationSchemaSchema,
  ConnectorMetadataSchema,
  type ConnectorService,
  ConnectorServiceCleanupResponseSchema,
  ConnectorServiceGetMetadataResponseSchema,
  ConnectorServiceValidateResponseSchema,
} from "../../gen/c1/connector/v2/connector_pb.js";
import { computeCapabilities } from "../capabilities.js";
import { enforce, optional, required } from "../request-rules.js";
import { withRetries } from "../retry.js";
import type { ServiceContext } from "./context.js";

/** Waits of the Go builder's Validate retries on Unavailable/DeadlineExceeded. */
const VALIDATE_RETRY_WAITS_MS = [1_000, 2_000, 3_000, 4_000, 5_000];

export function connectorService(sc: ServiceContext): ServiceImpl<typeof ConnectorService> {
  return {
    async getMetadata(_req, ctx) {
      const meta = await sc.connector.metadata(sc.call(ctx));
      const metadata = create(ConnectorMetadataSchema, meta);
      enforce(
        required("ConnectorMetadata.display_name", metadata.displayName),
        optional("ConnectorMetadata.description", metadata.description, 4096),
      );
      metadata.capabilities = computeCapabilities(sc.connector.syncers);
      const accounts = sc.connector.syncers.find((s) => s.accounts)?.accounts;
      if (accounts?.creationSchema && !metadata.accountCreationSchema) {
        metadata.accountCreationSchema = create(
          ConnectorAccountCreationSchemaSchema,
          accounts.creationSchema,
        );
      }
      return create(ConnectorServiceGetMetadataResponseSchema, { metadata });
    },
    async validate(_req, ctx) {
      const annotations = await withRetries(
        () => sc.connector.validate(sc.call(ctx)),
        VALIDATE_RETRY_WAITS_MS,
        sc.options.sleep,
        ctx.signal,
      );
      sc.options.onValidated?.();
      return create(ConnectorServiceValidateResponseSchema, {
        annotations: annotations ?? [],
        sdkVersion: sc.options.sdkVersion,
      });
    },
    async cleanup(req, ctx) {
      enforce(optional("ConnectorServiceCleanupRequest.active_sync_id", req.activeSyncId));
      await sc.connector.cleanup?.(sc.call(ctx, req.activeSyncId));
      return create(ConnectorServiceCleanupResponseSchema, {});
    },
  };
}

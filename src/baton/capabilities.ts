/**
 * Derives `ConnectorCapabilities` from what a connector implements, the way the Go builder does,
 * so GetMetadata and the `capabilities` command report exactly what the services
 * will do: per type SYNC always, TARGETED_SYNC with a getter, PROVISION with grant/revoke,
 * ACCOUNT_PROVISIONING with an account manager, RESOURCE_DELETE with a deleter; and, for the
 * connector, ACTIONS when any type declares actions.
 */
import { create } from "@bufbuild/protobuf";
import {
  CapabilityPermissionsSchema,
  DeprecatedSchema,
  OptInRequiredSchema,
  SkipSyncAnomalyDetectionSchema,
} from "../gen/c1/connector/v2/annotation_resource_type_pb.js";
import {
  Capability,
  type ConnectorCapabilities,
  ConnectorCapabilitiesSchema,
  CredentialDetailsAccountProvisioningSchema,
  CredentialDetailsSchema,
  type ResourceTypeCapability,
  ResourceTypeCapabilitySchema,
} from "../gen/c1/connector/v2/connector_pb.js";
import { has, pick } from "./annotations.js";
import type { ResourceSyncer } from "./connector.js";
import { invalidArgument } from "./errors.js";

function typeCapabilities(s: ResourceSyncer): ResourceTypeCapability {
  const caps = new Set<Capability>([Capability.SYNC]);
  if (s.get) caps.add(Capability.TARGETED_SYNC);
  if (s.grant && s.revoke) caps.add(Capability.PROVISION);
  if (s.accounts) caps.add(Capability.ACCOUNT_PROVISIONING);
  if (s.delete) caps.add(Capability.RESOURCE_DELETE);
  const ann = s.resourceType.annotations;
  return create(ResourceTypeCapabilitySchema, {
    resourceType: s.resourceType,
    capabilities: [...caps].sort((a, b) => a - b),
    permissions: pick(ann, CapabilityPermissionsSchema),
    optInRequired: has(ann, OptInRequiredSchema),
    skipSyncAnomalyDetection: has(ann, SkipSyncAnomalyDetectionSchema),
    deprecated: has(ann, DeprecatedSchema),
  });
}

/** Computes the capabilities document; throws InvalidArgument on inconsistent account options. */
export function computeCapabilities(syncers: readonly ResourceSyncer[]): ConnectorCapabilities {
  const perType = syncers
    .map(typeCapabilities)
    .sort((a, b) => ((a.resourceType?.id ?? "") < (b.resourceType?.id ?? "") ? -1 : 1));
  const all = new Set<Capability>();
  for (const t of perType) for (const c of t.capabilities) all.add(c);
  if (syncers.some((s) => s.get)) all.add(Capability.SERVICE_MODE_TARGETED_SYNC);
  if (syncers.some((s) => (s.actions?.length ?? 0) > 0)) all.add(Capability.ACTIONS);

  const details = create(CredentialDetailsSchema, {});
  const accounts = syncers.find((s) => s.accounts)?.accounts;
  if (accounts) {
    const d = create(CredentialDetailsAccountProvisioningSchema, accounts.credentialDetails);
    if (!d.supportedCredentialOptions.includes(d.preferredCredentialOption)) {
      throw invalidArgument(
        "ConnectorCapabilities.credential_details.preferred_credential_option",
        "must be one of the supported credential options",
      );
    }
    details.capabilityAccountProvisioning = d;
  }
  return create(ConnectorCapabilitiesSchema, {
    resourceTypeCapabilities: perType,
    connectorCapabilities: [...all].sort((a, b) => a - b),
    credentialDetails: details,
  });
}

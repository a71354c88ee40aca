// Discovery of the variants of Seismic calls that Seismic's documentation leaves unconfirmed:
// which one this tenant answers, settled once per sync and remembered in a TenantVariants.
export {
  allGroupMemberIds,
  groupMembersPage,
  InlineMembersInstead,
  inlineMembers,
  inlineUserIds,
  type MembersPage,
  membersEndpointPage,
} from "./group-members.js";
export { withProjection } from "./listing-parameters.js";
export { isMissingRoute, rejectsProjection } from "./missing-route.js";
export { type PlatformRoleTables, readPlatformRoleTables } from "./reporting-tables.js";
export {
  type SettledVariant,
  TenantVariants,
  VARIANTS,
  type VariantChoice,
  type VariantKey,
} from "./tenant-variants.js";

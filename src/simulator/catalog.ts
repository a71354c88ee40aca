// The tenant's fixed vocabulary: SCIM URNs, licence and Learning role values, the tenant's custom
// user properties (the Seismic extension) and the platform roles that Reporting exposes.
// Kept in one place because validation, seeding and /Schemas must agree on it.

export const URN = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  enterprise: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  seismic: "urn:ietf:params:scim:schemas:extension:seismic:2.0:User",
  extended: "urn:ietf:params:scim:schemas:extension:seismic:2.0:UserExtendedProperty",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  schema: "urn:ietf:params:scim:schemas:core:2.0:Schema",
} as const;

/** Content licences; also valid `roles[]` values. Case-sensitive, as Seismic says of roles. */
export const LICENCES = ["Business", "Premium", "Partner"] as const;

/** `userType` values: the licences plus NonSeismic (system or external accounts, no licence). */
export const USER_TYPES = [...LICENCES, "NonSeismic"] as const;

/** Seismic Learning's default roles. */
export const LEARNING_ROLES = ["Admin", "Creator", "Manager", "Learner"] as const;

/** This tenant's custom Learning roles; the first has a space and a colon on purpose. */
export const CUSTOM_LEARNING_ROLES = ["Field Sales: EMEA", "Onboarding Coach"] as const;

export const ALL_ROLE_VALUES: ReadonlySet<string> = new Set<string>([
  ...LICENCES,
  ...LEARNING_ROLES,
  ...CUSTOM_LEARNING_ROLES,
]);

export const LICENCE_VALUES: ReadonlySet<string> = new Set<string>(LICENCES);

/** A tenant-defined custom user property of the Seismic extension. */
export interface CustomAttribute {
  name: string;
  description: string;
  canonicalValues?: readonly string[];
}

export const CUSTOM_ATTRIBUTES: readonly CustomAttribute[] = [
  { name: "Employee_ID", description: "HR employee number" },
  { name: "Country", description: "Country of employment" },
  { name: "Cost_Center", description: "Finance cost centre code" },
  { name: "Function", description: "Business function" },
  { name: "Manager_Level_2", description: "Second-level manager" },
  {
    name: "Worker_Status",
    description: "Employment status",
    canonicalValues: ["Active", "Leave", "Terminated"],
  },
];

/** Attributes of the second Seismic extension observed in real responses (read-only here). */
export const EXTENDED_ATTRIBUTES = [
  "biography",
  "createdBy",
  "creatorType",
  "deactivatedTime",
  "hireDate",
  "location",
  "managerName",
  "ssoId",
] as const;

export const ENTERPRISE_ATTRIBUTES = ["department", "organization", "costCenter"] as const;

/** A platform ("entitlement") role as the Reporting API describes it. */
export interface PlatformRoleSeed {
  roleName: string;
  roleDescription: string;
  isPredefined: boolean;
  isDeleted: boolean;
  /** Share of users that hold the role in the seeded tenant. */
  share: number;
}

export const SYSTEM_ADMINISTRATOR = "System Administrator";

export const PLATFORM_ROLES: readonly PlatformRoleSeed[] = [
  {
    roleName: SYSTEM_ADMINISTRATOR,
    roleDescription: "Full control of the tenant",
    isPredefined: true,
    isDeleted: false,
    share: 0.01,
  },
  {
    roleName: "Content Manager",
    roleDescription: "Publishes and manages library content",
    isPredefined: true,
    isDeleted: false,
    share: 0.06,
  },
  {
    roleName: "Business User",
    roleDescription: "Uses content in day-to-day selling",
    isPredefined: true,
    isDeleted: false,
    share: 0.2,
  },
  {
    roleName: "Partner User",
    roleDescription: "External partner access",
    isPredefined: true,
    isDeleted: false,
    share: 0.04,
  },
  {
    roleName: "Learning Administrator",
    roleDescription: "Administers Seismic Learning",
    isPredefined: true,
    isDeleted: false,
    share: 0.02,
  },
  {
    roleName: "Analytics Viewer",
    roleDescription: "Reads tenant analytics",
    isPredefined: false,
    isDeleted: false,
    share: 0.05,
  },
  {
    roleName: "Field Sales: EMEA Publishers",
    roleDescription: "Publishes to the EMEA field-sales workspace",
    isPredefined: false,
    isDeleted: false,
    share: 0.03,
  },
  {
    roleName: "Legacy Reviewers",
    roleDescription: "Retired review workflow (deleted, kept in Reporting)",
    isPredefined: false,
    isDeleted: true,
    share: 0,
  },
];

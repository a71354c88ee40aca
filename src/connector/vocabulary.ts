/**
 * Seismic's fixed role vocabulary: content licence values, which double as
 * `roles[]` values, and the Learning roles every tenant has. Roles are case-sensitive.
 */

/** Content licences: SCIM `userType` values and licence values in `roles[]`. */
export const LICENCES = ["Business", "Premium", "Partner"] as const;
export type Licence = (typeof LICENCES)[number];

const licenceSet: ReadonlySet<string> = new Set(LICENCES);

/** Seismic Learning's default roles, listed even when nobody holds them. */
export const DEFAULT_LEARNING_ROLES = ["Admin", "Creator", "Manager", "Learner"] as const;

/** Whether a `roles[]` value is a content licence rather than a Learning role. */
export function isLicence(value: string): value is Licence {
  return licenceSet.has(value);
}

/**
 * A user's content licence: `userType` when it is set (so `NonSeismic` means none, whatever
 * `roles[]` says), else the first licence value in `roles[]` (tenants where only roles carry it).
 */
export function licenceOf(
  userType: string | undefined,
  roles: readonly string[],
): Licence | undefined {
  if (userType !== undefined && userType !== "") return isLicence(userType) ? userType : undefined;
  return roles.find(isLicence);
}

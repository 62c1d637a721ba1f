/**
 * What the signed-in person may do, from their roles: as the access token carries them, or as
 * identity reports them in /v1/me (a profile is a principal too).
 */
import type { Principal } from "./principal";

export type Role = "org_admin" | "clinic_admin" | "provider" | "receptionist" | "patient";
export const DESK_ROLES: readonly Role[] = ["receptionist", "clinic_admin", "org_admin"];

export function hasRole(user: Principal | null, ...roles: Role[]): boolean {
  return !!user?.memberships.some((m) => roles.includes(m.role as Role));
}

export function isPatient(user: Principal | null): boolean {
  return user?.kind === "patient";
}

export function isDesk(user: Principal | null): boolean {
  return hasRole(user, ...DESK_ROLES);
}

export const ADMIN_ROLES: readonly Role[] = ["clinic_admin", "org_admin"];

/** Clinic admins (for their clinics) and organisation admins (for the network). */
export function isAdmin(user: Principal | null): boolean {
  return hasRole(user, ...ADMIN_ROLES);
}

export function isOrgAdmin(user: Principal | null): boolean {
  return hasRole(user, "org_admin");
}

export function isProvider(user: Principal | null): boolean {
  return hasRole(user, "provider");
}

/** The clinics where the person holds one of `roles` (null clinic: organisation-wide). */
export function clinicIds(user: Principal | null, ...roles: Role[]): string[] {
  const ids = (user?.memberships ?? [])
    .filter((m) => roles.includes(m.role as Role) && m.clinic_id)
    .map((m) => m.clinic_id as string);
  return [...new Set(ids)];
}

/** Where a person lands after signing in. */
export function homePath(user: Principal | null): string {
  if (isDesk(user)) {
    return "/desk";
  }
  if (isProvider(user)) {
    return "/provider";
  }
  return "/appointments";
}

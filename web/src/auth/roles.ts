/** What the signed-in person may do, from the memberships identity reports in /v1/me. */
import type { User } from "./AuthProvider";

export type Role = "org_admin" | "clinic_admin" | "provider" | "receptionist" | "patient";
export const DESK_ROLES: readonly Role[] = ["receptionist", "clinic_admin", "org_admin"];

export function hasRole(user: User | null, ...roles: Role[]): boolean {
  return !!user?.memberships.some((m) => roles.includes(m.role as Role));
}

export function isPatient(user: User | null): boolean {
  return user?.kind === "patient";
}

export function isDesk(user: User | null): boolean {
  return hasRole(user, ...DESK_ROLES);
}

export function isProvider(user: User | null): boolean {
  return hasRole(user, "provider");
}

/** The clinics where the person holds one of `roles` (null clinic: organisation-wide). */
export function clinicIds(user: User | null, ...roles: Role[]): string[] {
  const ids = (user?.memberships ?? [])
    .filter((m) => roles.includes(m.role as Role) && m.clinic_id)
    .map((m) => m.clinic_id as string);
  return [...new Set(ids)];
}

/** Where a person lands after signing in. */
export function homePath(user: User | null): string {
  if (isDesk(user)) {
    return "/desk";
  }
  if (isProvider(user)) {
    return "/provider";
  }
  return "/appointments";
}

/**
 * What the signed-in admin may administer: an organisation admin everything, a clinic admin
 * their clinics and the clinic roles in them (identity refuses the rest; the screens hide it).
 */
import { useMemo } from "react";

import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";
import { useAuth } from "../../../auth/AuthProvider";
import { clinicIds, isOrgAdmin } from "../../../auth/roles";

export type Clinic = components["schemas"]["ClinicRead"];
export type Person = components["schemas"]["UserRead"];
export type Membership = components["schemas"]["MembershipRead"];
export type StaffRole = Membership["role"];

export const STAFF_ROLES: readonly StaffRole[] = ["org_admin", "clinic_admin", "provider", "receptionist"];

export function useAdminScope() {
  const { principal } = useAuth();
  const org = isOrgAdmin(principal);
  const query = $api.useQuery("get", "/v1/clinics", { params: { query: { limit: 200 } } }, { staleTime: 5 * 60_000 });
  return useMemo(() => {
    const mine = new Set(clinicIds(principal, "clinic_admin"));
    const all = query.data?.items ?? [];
    const clinics = org ? all : all.filter((clinic) => mine.has(clinic.id));
    const names: Record<string, string> = Object.fromEntries(all.map((clinic) => [clinic.id, clinic.name]));
    /** A membership this admin may grant or revoke. */
    const mayHandle = (m: { role: string; clinic_id: string | null }) =>
      org || (m.role !== "org_admin" && m.clinic_id !== null && mine.has(m.clinic_id));
    return {
      org,
      me: principal?.id ?? null,
      clinics,
      names,
      query,
      roles: STAFF_ROLES.filter((role) => org || role !== "org_admin"),
      mayHandle,
      /** A staff account this admin may deactivate: not their own, and only roles they manage. */
      mayDeactivate: (person: Person) =>
        person.active && person.id !== principal?.id && (person.kind === "patient" || person.memberships.every(mayHandle)),
    };
  }, [org, principal, query]);
}

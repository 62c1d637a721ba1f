/** The staff of a clinic and the roles shifts know. */
import { useMemo } from "react";

import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";

export type Clinic = components["schemas"]["ClinicRead"];
export type Staff = components["schemas"]["UserRead"];
export type ShiftRole = components["schemas"]["ShiftCreate"]["role"];
export const SHIFT_ROLES: ShiftRole[] = ["provider", "receptionist", "clinic_admin"];

/** The clinic's active staff, with the shift roles each holds there. */
export function useClinicStaff(clinicId: string | undefined) {
  const query = $api.useQuery(
    "get",
    "/v1/users",
    { params: { query: { clinic_id: clinicId ?? "", kind: "staff", active: true, limit: 200 } } },
    { enabled: !!clinicId, staleTime: 60_000 },
  );
  return useMemo(() => {
    const staff = [...(query.data?.items ?? [])].sort((a, b) => a.full_name.localeCompare(b.full_name));
    const rolesOf = (person: Staff): ShiftRole[] =>
      SHIFT_ROLES.filter((role) => person.memberships.some((m) => m.role === role && m.clinic_id === clinicId));
    const names: Record<string, string> = Object.fromEntries(staff.map((person) => [person.id, person.full_name]));
    return { staff, rolesOf, names, query };
  }, [query, clinicId]);
}

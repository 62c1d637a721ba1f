/** The clinics where the signed-in person holds some roles, with their zones. */
import { useMemo } from "react";

import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { useAuth } from "../../auth/AuthProvider";
import type { Role } from "../../auth/roles";

export type Clinic = components["schemas"]["ClinicRead"];

export function useStaffClinics(...roles: Role[]) {
  const { principal } = useAuth();
  const key = roles.join(",");
  const memberships = useMemo(
    () => (principal?.memberships ?? []).filter((m) => key.split(",").includes(m.role)),
    [principal, key],
  );
  // An organisation admin's role has no clinic: every clinic is theirs.
  const everywhere = memberships.some((m) => m.clinic_id === null);
  const ids = memberships.map((m) => m.clinic_id).filter((id): id is string => !!id);
  const query = $api.useQuery("get", "/v1/clinics", { params: { query: { limit: 200 } } }, { enabled: memberships.length > 0 });
  const clinics = useMemo(
    () => (query.data?.items ?? []).filter((clinic) => everywhere || ids.includes(clinic.id)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query.data, everywhere, ids.join(",")],
  );
  const byId = useMemo(() => new Map(clinics.map((clinic) => [clinic.id, clinic])), [clinics]);
  return { clinics, byId, query, none: memberships.length === 0 };
}

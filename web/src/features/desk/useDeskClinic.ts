/** The clinic the desk works for: one of the person's clinics, the last one chosen remembered. */
import { useCallback, useMemo, useState } from "react";

import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { useAuth } from "../../auth/AuthProvider";
import { clinicIds, hasRole } from "../../auth/roles";

export type Clinic = components["schemas"]["ClinicRead"];
const STORAGE_KEY = "clinic.desk.clinic";

export function useDeskClinic() {
  const { principal } = useAuth();
  const query = $api.useQuery("get", "/v1/clinics", { params: { query: { limit: 200 } } }, { staleTime: 5 * 60_000 });
  const [chosen, setChosen] = useState<string | null>(() => localStorage.getItem(STORAGE_KEY));

  const clinics = useMemo<Clinic[]>(() => {
    const all = query.data?.items ?? [];
    if (hasRole(principal, "org_admin")) {
      return all;
    }
    const mine = new Set(clinicIds(principal, "receptionist", "clinic_admin"));
    return all.filter((clinic) => mine.has(clinic.id));
  }, [query.data, principal]);

  const clinic = clinics.find((c) => c.id === chosen) ?? clinics[0] ?? null;
  const choose = useCallback((id: string) => {
    localStorage.setItem(STORAGE_KEY, id);
    setChosen(id);
  }, []);
  return { clinics, clinic, choose, query };
}

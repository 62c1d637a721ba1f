/** The clinic an admin screen works on: one the signed-in admin administers, the last one chosen remembered. */
import { useCallback, useState } from "react";

import { useStaffClinics } from "../../clinic/useStaffClinics";

const STORAGE_KEY = "clinic.admin.clinic";

export function useAdminClinic() {
  const { clinics, query } = useStaffClinics("clinic_admin", "org_admin");
  const [chosen, setChosen] = useState<string | null>(() => localStorage.getItem(STORAGE_KEY));
  const clinic = clinics.find((c) => c.id === chosen) ?? clinics[0] ?? null;
  const choose = useCallback((id: string) => {
    localStorage.setItem(STORAGE_KEY, id);
    setChosen(id);
  }, []);
  return { clinics, clinic, choose, query };
}

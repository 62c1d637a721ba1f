/** The clinic an admin screen works on: one the admin runs (any, for org admins), remembered. */
import { NativeSelect } from "@mantine/core";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";
import { useStaffClinics } from "../../clinic/useStaffClinics";

export type Clinic = components["schemas"]["ClinicRead"];
export type Staff = components["schemas"]["UserRead"];
export type ShiftRole = components["schemas"]["ShiftCreate"]["role"];
export const SHIFT_ROLES: ShiftRole[] = ["provider", "receptionist", "clinic_admin"];
const STORAGE_KEY = "clinic.admin.shifts.clinic";

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

export function AdminClinicSelect({ clinics, value, onChange }: { clinics: Clinic[]; value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation("adminShifts");
  return (
    <NativeSelect
      label={t("clinic")}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data={clinics.map((clinic) => ({ value: clinic.id, label: clinic.name }))}
      w={{ base: "100%", sm: 280 }}
    />
  );
}

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

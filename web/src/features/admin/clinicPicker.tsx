/** The clinic an admin screen works on, and its picker: one the signed-in admin administers
 * (any, for org admins), the last one chosen remembered across the console's screens. */
import { NativeSelect } from "@mantine/core";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";

import { type Clinic, useStaffClinics } from "../clinic/useStaffClinics";

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

/** `all` adds a choice of every clinic (value ""). */
export function AdminClinicSelect({
  clinics,
  value,
  onChange,
  all,
}: {
  clinics: Clinic[];
  value: string;
  onChange: (id: string) => void;
  all?: string;
}) {
  const { t } = useTranslation("admin");
  const options = clinics.map((clinic) => ({ value: clinic.id, label: clinic.name }));
  return (
    <NativeSelect
      label={t("clinic")}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data={all ? [{ value: "", label: all }, ...options] : options}
      w={{ base: "100%", sm: 280 }}
    />
  );
}

import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Clinic } from "../../clinic/useStaffClinics";

/** The clinic picker of the admin screens; `all` adds a choice of every clinic (value ""). */
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
  const { t } = useTranslation("adminSetup");
  const options = clinics.map((clinic) => ({ value: clinic.id, label: clinic.name }));
  return (
    <NativeSelect
      label={t("clinic.label")}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data={all ? [{ value: "", label: all }, ...options] : options}
      w={{ base: "100%", sm: 280 }}
    />
  );
}

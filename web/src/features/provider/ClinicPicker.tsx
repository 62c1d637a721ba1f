/** Which clinic: shown only to someone who works at more than one. */
import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Clinic } from "../clinic/useStaffClinics";

export function ClinicPicker({
  clinics,
  value,
  onChange,
  label,
}: {
  clinics: Clinic[];
  value: string | undefined;
  onChange: (id: string) => void;
  label?: string;
}) {
  const { t } = useTranslation("provider");
  if (clinics.length < 2) {
    return null;
  }
  return (
    <NativeSelect
      label={label ?? t("clinic")}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data={clinics.map((clinic) => ({ value: clinic.id, label: clinic.name }))}
      maw={360}
    />
  );
}

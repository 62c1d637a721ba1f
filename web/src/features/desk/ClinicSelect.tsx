import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Clinic } from "./useDeskClinic";

/** The clinic switcher; a person of one clinic sees its name only. */
export function ClinicSelect({ clinics, value, onChange }: { clinics: Clinic[]; value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation(["desk", "common"]);
  return (
    <NativeSelect
      label={t("clinic.label")}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      data={clinics.map((clinic) => ({ value: clinic.id, label: clinic.name }))}
      w={{ base: "100%", sm: 260 }}
    />
  );
}

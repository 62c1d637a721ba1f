/** Role, clinic and (for providers) specialty: what a membership grant names. */
import { NativeSelect, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useTranslation } from "react-i18next";

import type { Clinic, StaffRole } from "./access";

export interface RoleValues {
  role: StaffRole | "";
  clinic_id: string;
  specialty: string;
}

export function RoleFields<V extends RoleValues>({
  form,
  roles,
  clinics,
  optional = false,
}: {
  form: UseFormReturnType<V>;
  roles: readonly StaffRole[];
  clinics: Clinic[];
  optional?: boolean;
}) {
  const { t } = useTranslation("adminPeople");
  const role = form.values.role;
  return (
    <>
      <NativeSelect
        label={t("roles.role")}
        data={[
          ...(optional ? [{ value: "", label: t("roles.noneYet") }] : []),
          ...roles.map((value) => ({ value, label: t(`roles.names.${value}`) })),
        ]}
        {...form.getInputProps("role")}
      />
      {role && role !== "org_admin" && (
        <NativeSelect
          label={t("roles.clinic")}
          required
          data={[{ value: "", label: t("roles.chooseClinic") }, ...clinics.map((c) => ({ value: c.id, label: c.name }))]}
          {...form.getInputProps("clinic_id")}
        />
      )}
      {role === "provider" && <TextInput label={t("roles.specialty")} autoComplete="off" {...form.getInputProps("specialty")} />}
    </>
  );
}

/** The grant for the API, or null when no role was chosen. */
export function grantOf(values: RoleValues) {
  if (!values.role) {
    return null;
  }
  return {
    role: values.role,
    clinic_id: values.role === "org_admin" ? null : values.clinic_id,
    specialty: values.role === "provider" ? values.specialty.trim() || null : null,
  };
}

/** The clinic a clinic role needs, checked before asking identity. */
export function useRoleRules() {
  const { t } = useTranslation("adminPeople");
  return {
    clinic_id: (value: string, values: RoleValues) => (!values.role || values.role === "org_admin" || value ? null : t("roles.clinicRequired")),
    role: (value: string) => (value ? null : t("roles.roleRequired")),
  };
}

/** "Provider · Kibera Health Centre · general practice", in words. */
export function useRoleLabel(names: Record<string, string>) {
  const { t } = useTranslation("adminPeople");
  return (m: { role: string; clinic_id: string | null; specialty?: string | null }) => {
    const where = m.clinic_id ? (names[m.clinic_id] ?? t("roles.otherClinic")) : t("roles.network");
    return [t(`roles.names.${m.role as StaffRole}`), where, m.specialty].filter(Boolean).join(" · ");
  };
}

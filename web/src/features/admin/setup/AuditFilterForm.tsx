/** Who, what, when and where: the audit log's filters, applied together. */
import { Button, Group, NativeSelect, SimpleGrid, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";

import { $api } from "../../../api/query";
import type { Clinic } from "../../clinic/useStaffClinics";
import { type AuditFilters, NO_FILTERS } from "./auditQuery";

export function AuditFilterForm({
  clinics,
  allClinics,
  onApply,
}: {
  clinics: Clinic[];
  /** Org admins may look at every clinic's entries (and the organisation's own) at once. */
  allClinics: boolean;
  onApply: (filters: AuditFilters) => void;
}) {
  const { t } = useTranslation("adminSetup");
  const form = useForm<AuditFilters>({ initialValues: { ...NO_FILTERS, clinic: allClinics ? "" : (clinics[0]?.id ?? "") } });
  const staff = $api.useQuery("get", "/v1/users", { params: { query: { kind: "staff", limit: 200 } } }, { staleTime: 5 * 60_000 });
  const people = (staff.data?.items ?? [])
    .map((user) => ({ value: user.id, label: user.full_name }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const clinicOptions = clinics.map((clinic) => ({ value: clinic.id, label: clinic.name }));

  return (
    <form onSubmit={form.onSubmit(onApply)} aria-label={t("audit.filters")}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        <NativeSelect label={t("audit.who")} data={[{ value: "", label: t("audit.anyone") }, ...people]} {...form.getInputProps("actor")} />
        <TextInput label={t("audit.action")} description={t("audit.actionHint")} {...form.getInputProps("action")} />
        <NativeSelect
          label={t("audit.outcome")}
          data={[
            { value: "", label: t("audit.anyOutcome") },
            { value: "success", label: t("audit.outcomes.success") },
            { value: "failure", label: t("audit.outcomes.failure") },
          ]}
          {...form.getInputProps("outcome")}
        />
        <NativeSelect
          label={t("clinic.label")}
          data={allClinics ? [{ value: "", label: t("audit.allClinics") }, ...clinicOptions] : clinicOptions}
          {...form.getInputProps("clinic")}
        />
        <TextInput type="date" label={t("audit.from")} {...form.getInputProps("from")} />
        <TextInput type="date" label={t("audit.to")} {...form.getInputProps("to")} />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button
          type="button"
          variant="default"
          onClick={() => {
            form.reset();
            onApply(form.getInitialValues());
          }}
        >
          {t("audit.clear")}
        </Button>
        <Button type="submit">{t("audit.apply")}</Button>
      </Group>
    </form>
  );
}

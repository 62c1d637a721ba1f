/**
 * A clinic's closures and public holidays from today on: whole local days. Adding one cancels
 * the shifts then (shifts answers how many); removing one brings template shifts back.
 */
import { Alert, Button, Card, Group, NativeSelect, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { $api } from "../../../api/query";
import { applyFieldErrors } from "../../../components/formErrors";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { formatDate } from "../../../lib/format";
import { readable } from "../../desk/readable";
import { isDay, today } from "../../desk/zone";
import type { Clinic } from "./access";

export function Closures({ clinic }: { clinic: Clinic }) {
  const { t, i18n } = useTranslation(["adminPeople", "common"]);
  const from = today(clinic.time_zone);
  const query = $api.useQuery("get", "/v1/clinics/{clinic_id}/closures", {
    params: { path: { clinic_id: clinic.id }, query: { from, limit: 200 } },
  });
  const remove = useCommand("delete", "/v1/clinics/{clinic_id}/closures/{closure_id}");
  const [notice, setNotice] = useState<string | null>(null);
  const day = (value: string) => formatDate(`${value}T12:00:00Z`, "UTC", i18n.language);
  const items = query.data?.items ?? [];

  return (
    <Stack gap="sm" component="section" aria-labelledby="closures-title">
      <Title order={2} size="h4" id="closures-title">{t("closures.title")}</Title>
      <Text size="sm" c="gray.7">{t("closures.hint")}</Text>
      {query.error && <ProblemAlert error={query.error} />}
      {query.data && items.length === 0 && <Text>{t("closures.none")}</Text>}
      {items.length > 0 && (
        <Stack gap={6} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {items.map((closure) => (
            <Card key={closure.id} component="li" withBorder padding="xs">
              <Group justify="space-between" wrap="wrap" gap="xs">
                <div>
                  <Text fw={600}>{closure.name}</Text>
                  <Text size="sm">
                    {t(`closures.kinds.${closure.kind}`)} ·{" "}
                    {closure.first_day === closure.last_day
                      ? day(closure.first_day)
                      : t("closures.range", { first: day(closure.first_day), last: day(closure.last_day) })}
                  </Text>
                </div>
                <Button
                  variant="default"
                  loading={remove.isPending && remove.variables?.params.path.closure_id === closure.id}
                  aria-label={t("closures.removeNamed", { name: closure.name })}
                  onClick={() =>
                    remove
                      .mutateAsync({ params: { path: { clinic_id: clinic.id, closure_id: closure.id } } })
                      .then(() => setNotice(t("closures.removed", { name: closure.name })))
                      .catch(() => setNotice(null))
                  }
                >
                  {t("closures.remove")}
                </Button>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
      {remove.problem && <ProblemAlert error={remove.problem} />}
      {notice && (
        <Alert color="green" c="green.9" variant="light" role="status">
          {notice}
        </Alert>
      )}
      <AddClosure clinic={clinic} from={from} onAdded={setNotice} />
    </Stack>
  );
}

function AddClosure({ clinic, from, onAdded }: { clinic: Clinic; from: string; onAdded: (message: string) => void }) {
  const { t } = useTranslation(["adminPeople", "common"]);
  const add = useCommand("post", "/v1/clinics/{clinic_id}/closures");
  const form = useForm({
    initialValues: { name: "", kind: "public_holiday" as "public_holiday" | "closure", first_day: "", last_day: "" },
    validate: {
      name: (value) => (value.trim() ? null : t("closures.nameRequired")),
      first_day: (value) => (isDay(value) ? null : t("closures.dayRequired")),
      last_day: (value, values) => (!value || (isDay(value) && value >= values.first_day) ? null : t("closures.lastAfterFirst")),
    },
  });
  const submit = form.onSubmit(async (values) => {
    try {
      const created = await add.mutateAsync({
        params: { path: { clinic_id: clinic.id } },
        body: { name: values.name.trim(), kind: values.kind, first_day: values.first_day, last_day: values.last_day || values.first_day },
      });
      form.reset();
      onAdded(t("closures.added", { name: created.name, count: created.cancelled_shifts }));
    } catch (error) {
      applyFieldErrors(form, error);
    }
  });
  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate aria-labelledby="closure-add-title">
        <Stack gap="sm" maw={520}>
          <Title order={3} size="h5" id="closure-add-title">{t("closures.addTitle")}</Title>
          <TextInput label={t("closures.name")} required autoComplete="off" {...form.getInputProps("name")} />
          <NativeSelect
            label={t("closures.kind")}
            data={[
              { value: "public_holiday", label: t("closures.kinds.public_holiday") },
              { value: "closure", label: t("closures.kinds.closure") },
            ]}
            {...form.getInputProps("kind")}
          />
          <Group gap="sm" wrap="wrap">
            <TextInput type="date" label={t("closures.firstDay")} required min={from} {...form.getInputProps("first_day")} />
            <TextInput type="date" label={t("closures.lastDay")} min={form.values.first_day || from} description={t("closures.lastDayHint")} styles={readable} {...form.getInputProps("last_day")} />
          </Group>
          {add.problem && !Object.keys(form.errors).length ? <ProblemAlert error={add.problem} /> : null}
          <Group>
            <Button type="submit" loading={add.isPending}>{t("closures.add")}</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/**
 * The clinics an admin runs (all of them for an organisation admin, who may also add one): a
 * clinic's details, time zone, opening hours, booking policy, and its closures and holidays.
 */
import "./strings";
import { Button, Card, Divider, Loader, NativeSelect, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useAdminScope } from "./people/access";
import { ClinicForm } from "./people/ClinicForm";
import { Closures } from "./people/Closures";

export default function ClinicsPage() {
  const { t } = useTranslation(["adminPeople", "common"]);
  const scope = useAdminScope();
  const [params, setParams] = useSearchParams();
  const creating = params.get("new") === "1" && scope.org;
  const clinic = scope.clinics.find((c) => c.id === params.get("clinic")) ?? scope.clinics[0] ?? null;
  const open = (id: string) => setParams({ clinic: id });

  return (
    <Page
      title={t("clinics.title")}
      actions={
        scope.org && !creating ? (
          <Button onClick={() => setParams({ new: "1" })}>{t("clinics.new")}</Button>
        ) : undefined
      }
    >
      {scope.query.isLoading ? (
        <Loader role="status" aria-label={t("common:app.loading")} />
      ) : scope.query.error ? (
        <ProblemAlert error={scope.query.error} />
      ) : creating ? (
        <Card withBorder padding="md" component="section" aria-labelledby="clinic-new-title">
          <Stack gap="md">
            <Title order={2} size="h3" id="clinic-new-title">{t("clinic.newTitle")}</Title>
            <ClinicForm clinic={null} onSaved={(created) => open(created.id)} onCancel={() => setParams({})} />
          </Stack>
        </Card>
      ) : !clinic ? (
        <Text>{t("clinics.none")}</Text>
      ) : (
        <Stack gap="md">
          {scope.clinics.length > 1 && (
            <NativeSelect
              label={t("clinics.choose")}
              value={clinic.id}
              onChange={(event) => open(event.currentTarget.value)}
              data={scope.clinics.map((c) => ({ value: c.id, label: c.name }))}
              w={{ base: "100%", sm: 320 }}
            />
          )}
          <Card withBorder padding="md">
            <ClinicForm key={clinic.id} clinic={clinic} onSaved={() => undefined} />
          </Card>
          <Divider />
          <Closures key={clinic.id} clinic={clinic} />
        </Stack>
      )}
    </Page>
  );
}

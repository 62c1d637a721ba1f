/** How a clinic messages its patients: the settings and the words of each message. */
import "./strings";
import { Loader, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { MessageTemplates } from "./setup/MessageTemplates";
import { NotificationSettingsForm } from "./setup/NotificationSettingsForm";
import { AdminClinicSelect, useAdminClinic } from "./clinicPicker";

export default function MessagingPage() {
  const { t } = useTranslation(["adminSetup", "admin", "common"]);
  const { clinics, clinic, choose, query } = useAdminClinic();
  return (
    <Page title={t("admin:nav.messaging")}>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {clinic && (
        <Stack gap="xl">
          <AdminClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />
          <MessageTemplates key={`templates-${clinic.id}`} clinic={clinic} />
          <NotificationSettingsForm key={`settings-${clinic.id}`} clinicId={clinic.id} />
        </Stack>
      )}
    </Page>
  );
}

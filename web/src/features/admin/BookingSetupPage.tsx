/** What can be booked at a clinic: its appointment types and its rooms. */
import "./strings";
import { Loader, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { AppointmentTypes } from "./setup/AppointmentTypes";
import { Rooms } from "./setup/Rooms";
import { AdminClinicSelect, useAdminClinic } from "./clinicPicker";

export default function BookingSetupPage() {
  const { t } = useTranslation(["adminSetup", "admin", "common"]);
  const { clinics, clinic, choose, query } = useAdminClinic();
  return (
    <Page title={t("admin:nav.bookingSetup")}>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {clinic && (
        <Stack gap="xl">
          <AdminClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />
          <AppointmentTypes key={`types-${clinic.id}`} clinicId={clinic.id} />
          <Rooms key={`rooms-${clinic.id}`} clinicId={clinic.id} />
        </Stack>
      )}
    </Page>
  );
}

/**
 * The desk's sync page: offline mode for this device, its state ("Sync now"), every change made
 * here with its outcome, and the clinic's conflict inbox.
 */
import { Card, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { SyncDetails } from "../../components/SyncStatus";
import { deviceZone } from "../../lib/format";
import { useMutations, useOfflineState } from "../../offline";
import { ClinicSelect } from "./ClinicSelect";
import { ConflictInbox } from "./ConflictInbox";
import { useClinicNames } from "./names";
import { OfflineSwitch } from "./OfflineSwitch";
import { SyncOutcomes } from "./SyncOutcomes";
import { useDeskClinic } from "./useDeskClinic";

const INBOX_ID = "conflict-inbox";

export default function DeskSync() {
  const { t } = useTranslation(["desk", "common"]);
  const { clinics, clinic, choose, query } = useDeskClinic();
  const state = useOfflineState();
  const mutations = useMutations();
  const names = useClinicNames(clinic?.id);
  // The device's changes are for the clinic it keeps offline, shown in that clinic's zone; they
  // are listed even when the clinics cannot be read (offline, after a reload).
  const deviceClinic = clinics.find((c) => c.id === state.clinicId) ?? clinic;

  return (
    <Page title={t("sync.title")}>
      {query.isLoading ? (
        <Center>
          <Loader role="status" aria-label={t("common:app.loading")} />
        </Center>
      ) : clinic ? (
        <>
          <ClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />
          <OfflineSwitch clinic={clinic} clinics={clinics} />
        </>
      ) : query.error ? (
        <ProblemAlert error={query.error} />
      ) : (
        <Text>{t("clinic.none")}</Text>
      )}
      {state.enabled && (
        <Card withBorder padding="sm" radius="md" maw={420}>
          <SyncDetails state={state} />
        </Card>
      )}
      <Stack component="section" gap="sm" aria-labelledby="sync-changes">
        <Title order={2} size="h3" id="sync-changes">
          {t("sync.changes")}
        </Title>
        {state.enabled || mutations.length ? (
          <SyncOutcomes mutations={mutations} zone={deviceClinic?.time_zone ?? deviceZone()} inboxId={INBOX_ID} />
        ) : (
          <Text c="gray.7">{t("sync.notEnabled")}</Text>
        )}
      </Stack>
      {clinic && (
        <Stack component="section" gap="sm" aria-labelledby={INBOX_ID}>
          <Title order={2} size="h3" id={INBOX_ID}>
            {t("sync.inbox")}
          </Title>
          <ConflictInbox clinicId={clinic.id} zone={clinic.time_zone} providerNames={names.providerNames} typeNames={names.typeNames} />
        </Stack>
      )}
    </Page>
  );
}

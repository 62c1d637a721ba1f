/** The audit log: who did what, when and where, filtered and paged; org admins verify its chain. */
import "./strings";
import { Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { $api } from "../../api/query";
import { useAuth } from "../../auth/AuthProvider";
import { isOrgAdmin } from "../../auth/roles";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { deviceZone, zoneName } from "../../lib/format";
import { useStaffClinics } from "../clinic/useStaffClinics";
import { AuditFilterForm } from "./setup/AuditFilterForm";
import { type AuditFilters, auditQuery, NO_FILTERS } from "./setup/auditQuery";
import { AuditTable } from "./setup/AuditTable";
import { ChainCheck } from "./setup/ChainCheck";

function AuditLog({ filters, zone, clinicNames }: { filters: AuditFilters; zone: string; clinicNames: Map<string, string> }) {
  const { t, i18n } = useTranslation(["adminSetup", "common"]);
  // The cursors of the pages before this one, to go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = $api.useQuery("get", "/v1/audit-events", { params: { query: auditQuery(filters, zone, cursor) } });
  const events = query.data?.items ?? [];
  const next = query.data?.next_cursor;
  return (
    <Stack gap="sm">
      <Text size="sm" c="gray.7">
        {t("audit.zone", { zone: zoneName(zone, i18n.language) })}
      </Text>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {query.isSuccess && events.length === 0 && <Text>{t("audit.none")}</Text>}
      {events.length > 0 && <AuditTable events={events} zone={zone} clinicNames={clinicNames} />}
      <Group justify="space-between">
        <Button variant="default" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t("common:actions.previous")}
        </Button>
        <Text size="sm">{t("audit.page", { page: cursors.length })}</Text>
        <Button variant="default" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
          {t("common:actions.next")}
        </Button>
      </Group>
    </Stack>
  );
}

export default function AuditPage() {
  const { t } = useTranslation(["adminSetup", "admin", "common"]);
  const { principal } = useAuth();
  const orgAdmin = isOrgAdmin(principal);
  const { clinics, byId, query } = useStaffClinics("clinic_admin", "org_admin");
  const [filters, setFilters] = useState<AuditFilters | null>(null);
  const applied = filters ?? { ...NO_FILTERS, clinic: orgAdmin ? "" : (clinics[0]?.id ?? "") };
  const zone = (applied.clinic && byId.get(applied.clinic)?.time_zone) || deviceZone();
  const names = new Map(clinics.map((clinic) => [clinic.id, clinic.name]));

  return (
    <Page title={t("admin:nav.audit")}>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {query.isSuccess && (
        <Stack gap="lg">
          {orgAdmin && <ChainCheck />}
          <AuditFilterForm clinics={clinics} allClinics={orgAdmin} onApply={setFilters} />
          <AuditLog key={JSON.stringify(applied)} filters={applied} zone={zone} clinicNames={names} />
        </Stack>
      )}
    </Page>
  );
}

/** Leave requests of the staff of the admin's clinics: the shifts each covers, approve or reject. */
import "./strings";
import { Alert, Anchor, List, Loader, SegmentedControl, Stack, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { $api } from "../../api/query";
import { useAuth } from "../../auth/AuthProvider";
import { isOrgAdmin } from "../../auth/roles";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { type LeaveRead, LeaveRequest, leaveSpan, shiftSpan } from "./shifts/LeaveRequest";
import { AdminClinicSelect, useAdminClinic } from "./clinicPicker";

const STATUSES = ["requested", "approved", "rejected", "cancelled"] as const;

export default function LeavePage() {
  const { t, i18n } = useTranslation(["admin", "adminShifts", "common"]);
  const { principal } = useAuth();
  const { clinics, clinic, choose, query: clinicsQuery } = useAdminClinic();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("requested");
  const [decided, setDecided] = useState<LeaveRead | null>(null);
  const list = $api.useQuery(
    "get",
    "/v1/leave",
    { params: { query: { clinic_id: clinic?.id ?? "", status, limit: 200 } } },
    { enabled: !!clinic },
  );
  const items = [...(list.data?.items ?? [])].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  const zoneOf = (id: string) => clinics.find((c) => c.id === id)?.time_zone ?? clinic?.time_zone ?? "UTC";
  const clinicName = (id: string) => clinics.find((c) => c.id === id)?.name ?? t("adminShifts:otherClinic");
  // Clinic admins do not decide their own leave; organisation admins may.
  const mayDecide = (leave: LeaveRead) => isOrgAdmin(principal) || leave.staff_id !== principal?.id;
  const ts = t as unknown as TFunction<"adminShifts">;

  return (
    <Page title={t("admin:nav.leave")}>
      <ProblemAlert error={clinicsQuery.error} />
      {clinic && <AdminClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />}
      <Stack gap={4}>
        <Text size="sm" fw={500} id="leave-status-label">
          {t("adminShifts:leave.show")}
        </Text>
        <SegmentedControl
          aria-labelledby="leave-status-label"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          data={STATUSES.map((s) => ({ value: s, label: t(`adminShifts:leave.filters.${s}`) }))}
          style={{ alignSelf: "flex-start", maxWidth: "100%", overflowX: "auto" }}
        />
      </Stack>
      {decided && (
        <Alert color={decided.status === "approved" ? "teal" : "gray"} variant="light" role="status" title={t(`adminShifts:leave.decided.${decided.status === "approved" ? "approved" : "rejected"}`, { name: decided.staff_name ?? t("adminShifts:unknownName") })}>
          <Stack gap={4}>
            <Text size="sm">{leaveSpan(decided, zoneOf(decided.clinic_id), i18n.language, ts)}</Text>
            {decided.status === "approved" && (decided.affected_shifts?.length ?? 0) > 0 && (
              <>
                <Text size="sm">{t("adminShifts:leave.needCover")}</Text>
                <List size="sm">
                  {decided.affected_shifts!.map((s) => (
                    <List.Item key={s.id}>
                      {shiftSpan(s, zoneOf(s.clinic_id), i18n.language)} · {clinicName(s.clinic_id)}
                    </List.Item>
                  ))}
                </List>
                <Anchor component={Link} to="/admin/roster" size="sm">
                  {t("adminShifts:leave.toRoster")}
                </Anchor>
              </>
            )}
          </Stack>
        </Alert>
      )}
      {list.isPending && clinic && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={list.error} />
      {list.isSuccess && items.length === 0 && <Text c="gray.7">{t(`adminShifts:leave.none.${status}`)}</Text>}
      {items.map((leave) => (
        <LeaveRequest key={leave.id} leave={leave} zoneOf={zoneOf} clinicName={clinicName} mayDecide={mayDecide(leave)} onDecided={setDecided} />
      ))}
    </Page>
  );
}

/** A clinic's roster by day or week: who works when, with one-off shifts, cover, swaps and cancelling. */
import "./strings";
import { Button, Group, Loader, SegmentedControl, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatTime } from "../../lib/format";
import { StatusBadge } from "../clinic/StatusBadge";
import { addDays, isDay, noonOf, todayIn } from "../provider/days";
import { OneOffShiftForm } from "./shifts/OneOffShiftForm";
import { type RosterShift, ShiftActions } from "./shifts/ShiftActions";
import { AdminClinicSelect, useAdminClinic } from "./clinicPicker";
import { useClinicStaff } from "./shifts/staff";

export default function RosterPage() {
  const { t, i18n } = useTranslation(["admin", "adminShifts", "common"]);
  const { clinics, clinic, choose, query: clinicsQuery } = useAdminClinic();
  const zone = clinic?.time_zone ?? "UTC";
  const [view, setView] = useState<"day" | "week">("week");
  const [picked, setPicked] = useState<string | null>(null);
  const day = picked && isDay(picked) ? picked : todayIn(zone);
  const { staff, rolesOf } = useClinicStaff(clinic?.id);
  const roster = $api.useQuery(
    "get",
    "/v1/shifts/roster",
    { params: { query: { clinic_id: clinic?.id ?? "", date: day, view } } },
    { enabled: !!clinic },
  );
  const language = i18n.language;
  const time = (s: RosterShift) => `${formatTime(s.starts_at, zone, language)}–${formatTime(s.ends_at, zone, language)}`;
  const describe = (s: RosterShift) => `${s.staff_name ?? t("adminShifts:unknownName")}, ${formatDate(s.starts_at, zone, language)} ${time(s)}`;
  const all = roster.data?.days.flatMap((d) => d.shifts) ?? [];
  const live = (s: RosterShift) => s.status === "scheduled" && new Date(s.ends_at) > new Date();

  return (
    <Page title={t("admin:nav.roster")}>
      <ProblemAlert error={clinicsQuery.error} />
      <Group align="flex-end" wrap="wrap">
        {clinic && <AdminClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />}
        <TextInput type="date" label={t("adminShifts:roster.date")} value={day} onChange={(e) => setPicked(e.currentTarget.value)} />
        <SegmentedControl
          aria-label={t("adminShifts:roster.view")}
          value={view}
          onChange={(v) => setView(v as "day" | "week")}
          data={[
            { value: "day", label: t("adminShifts:roster.day") },
            { value: "week", label: t("adminShifts:roster.week") },
          ]}
        />
        <Group gap="xs">
          <Button variant="default" onClick={() => setPicked(addDays(day, view === "week" ? -7 : -1))}>
            {t(`adminShifts:roster.previous.${view}`)}
          </Button>
          <Button variant="default" onClick={() => setPicked(addDays(day, view === "week" ? 7 : 1))}>
            {t(`adminShifts:roster.next.${view}`)}
          </Button>
        </Group>
      </Group>
      {roster.isPending && clinic && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={roster.error} />
      {roster.data?.days.map((rosterDay) => (
        <Stack key={rosterDay.date} gap="xs" component="section" aria-labelledby={`day-${rosterDay.date}`} data-testid="roster-day" data-day={rosterDay.date}>
          <Title order={2} size="h4" id={`day-${rosterDay.date}`}>
            {formatDate(noonOf(rosterDay.date, zone), zone, language)}
          </Title>
          {rosterDay.shifts.length === 0 ? (
            <Text c="gray.7">{t("adminShifts:roster.noShifts")}</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing="xs" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("adminShifts:staffMember")}</Table.Th>
                    <Table.Th scope="col">{t("adminShifts:role")}</Table.Th>
                    <Table.Th scope="col">{t("adminShifts:roster.time")}</Table.Th>
                    <Table.Th scope="col">{t("adminShifts:roster.status")}</Table.Th>
                    <Table.Th scope="col">{t("adminShifts:roster.actions")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rosterDay.shifts.map((shift) => (
                    <Table.Tr key={shift.id} data-testid="roster-shift">
                      <Table.Td>{shift.staff_name ?? t("adminShifts:unknownName")}</Table.Td>
                      <Table.Td>{t(`adminShifts:roles.${shift.role}`)}</Table.Td>
                      <Table.Td>
                        {time(shift)}
                        {shift.breaks.map((b) => (
                          <Text key={b.starts_at} size="sm" c="gray.7">
                            {t("adminShifts:roster.break", { time: `${formatTime(b.starts_at, zone, language)}–${formatTime(b.ends_at, zone, language)}` })}
                          </Text>
                        ))}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <StatusBadge tone={shift.status === "cancelled" ? "gray" : "green"}>{t(`adminShifts:roster.statuses.${shift.status}`)}</StatusBadge>
                          {shift.on_leave && <StatusBadge tone="orange">{t("adminShifts:roster.onLeave")}</StatusBadge>}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {live(shift) && (
                          <ShiftActions
                            shift={shift}
                            label={describe(shift)}
                            colleagues={staff.filter((p) => p.id !== shift.staff_id && rolesOf(p).includes(shift.role))}
                            others={all.filter((s) => s.id !== shift.id && s.staff_id !== shift.staff_id && live(s))}
                            describe={describe}
                          />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      ))}
      {clinic && <OneOffShiftForm key={`${clinic.id}-${day}`} clinic={clinic} staff={staff} rolesOf={rolesOf} day={day} />}
    </Page>
  );
}

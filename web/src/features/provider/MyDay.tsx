/** The provider's day: their appointments at a clinic, in its zone, one day at a time. */
import { Alert, Button, Drawer, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatTime } from "../../lib/format";
import { AppointmentMessages } from "../clinic/AppointmentMessages";
import { PersonName, usePersonName } from "../clinic/PersonName";
import { StatusBadge, toneText } from "../clinic/StatusBadge";
import { APPOINTMENT_TONES, appointmentStatusLabel } from "./appointmentStatus";
import { ClinicPicker } from "./ClinicPicker";
import { addDays, isDay, noonOf, startOfDay, todayIn } from "./days";
import { useProviderClinic } from "./useProviderContext";
import { ZoneNote } from "./ZoneNote";

type Appointment = components["schemas"]["AppointmentRead"];

/** Holds are not visits yet; everything else that was on the day is shown. */
export function visitsOfDay(items: Appointment[]): Appointment[] {
  return items
    .filter((a) => a.status !== "pending" && a.status !== "proposed")
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
}

export default function MyDay() {
  const { t, i18n } = useTranslation(["provider", "common"]);
  const { me, clinic, clinics, choose, query: clinicsQuery, params, setParams } = useProviderClinic();
  const zone = clinic?.time_zone ?? "UTC";
  const today = todayIn(zone);
  const wanted = params.get("day");
  const day = isDay(wanted) ? wanted : today;
  const [open, setOpen] = useState<Appointment | null>(null);

  const goTo = (next: string) =>
    setParams(
      (current) => {
        const out = new URLSearchParams(current);
        if (next === today) {
          out.delete("day");
        } else {
          out.set("day", next);
        }
        return out;
      },
      { replace: false },
    );

  const appointments = $api.useQuery(
    "get",
    "/v1/appointments",
    {
      params: {
        query: {
          provider_id: me?.id ?? "",
          clinic_id: clinic?.id ?? "",
          from: startOfDay(day, zone),
          to: startOfDay(addDays(day, 1), zone),
          limit: 200,
        },
      },
    },
    { enabled: !!me && !!clinic, refetchInterval: 60_000 },
  );
  const types = $api.useQuery(
    "get",
    "/v1/appointment-types",
    { params: { query: { clinic_id: clinic?.id ?? "", limit: 200 } } },
    { enabled: !!clinic, staleTime: 5 * 60_000 },
  );
  const typeName = (id: string) => types.data?.items.find((type) => type.id === id)?.name ?? t("provider:day.visit");
  const visits = visitsOfDay(appointments.data?.items ?? []);
  const active = visits.filter((v) => v.status !== "cancelled" && v.status !== "entered-in-error");
  const language = i18n.language;
  const dayLabel = formatDate(noonOf(day, zone), zone, language);

  return (
    <Page title={t("provider:day.title")}>
      <ClinicPicker clinics={clinics} value={clinic?.id} onChange={choose} />
      <ProblemAlert error={clinicsQuery.error} />
      {clinic && (
        <>
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Title order={2} size="h3" aria-live="polite">
              {day === today ? t("provider:day.today", { date: dayLabel }) : dayLabel}
            </Title>
            <Group gap="xs">
              <Button variant="default" onClick={() => goTo(addDays(day, -1))}>
                {t("provider:day.previous")}
              </Button>
              <Button variant="default" onClick={() => goTo(today)} disabled={day === today}>
                {t("provider:day.backToToday")}
              </Button>
              <Button variant="default" onClick={() => goTo(addDays(day, 1))}>
                {t("provider:day.next")}
              </Button>
            </Group>
          </Group>
          <ZoneNote zone={zone} />
          {appointments.isPending && <Loader role="status" aria-label={t("common:app.loading")} />}
          <ProblemAlert error={appointments.error} />
          {appointments.isSuccess && (
            <Text>{t("provider:day.count", { count: active.length })}</Text>
          )}
          {appointments.isSuccess && visits.length === 0 && (
            <Alert variant="light" color="gray" title={null}>
              <Text c="gray.9">{t("provider:day.empty")}</Text>
            </Alert>
          )}
          {visits.length > 0 && (
            <Table.ScrollContainer minWidth={560}>
              <Table striped highlightOnHover verticalSpacing="sm" aria-label={t("provider:day.tableLabel", { date: dayLabel })}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("provider:day.col.time")}</Table.Th>
                    <Table.Th scope="col">{t("provider:day.col.patient")}</Table.Th>
                    <Table.Th scope="col">{t("provider:day.col.visit")}</Table.Th>
                    <Table.Th scope="col">{t("provider:day.col.status")}</Table.Th>
                    <Table.Th scope="col">{t("provider:day.col.messages")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {visits.map((visit) => (
                    <Table.Tr key={visit.id} data-testid="day-visit">
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        {t("provider:range", {
                          from: formatTime(visit.starts_at, zone, language),
                          to: formatTime(visit.ends_at, zone, language),
                        })}
                      </Table.Td>
                      <Table.Td>
                        <PersonName id={visit.patient_id} fallback={t("provider:day.patient")} />
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          <Text size="sm">{typeName(visit.type_id)}</Text>
                          {visit.walk_in && (
                            <Text size="sm" c="gray.7">
                              {t("provider:day.walkIn")}
                            </Text>
                          )}
                          {visit.needs_reschedule && (
                            <Text size="sm" fw={600} style={{ color: toneText("orange") }}>
                              {t("provider:day.needsReschedule")}
                            </Text>
                          )}
                          {visit.note && (
                            <Text size="sm" c="gray.7">
                              {visit.note}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge tone={APPOINTMENT_TONES[visit.status]}>
                          {appointmentStatusLabel(visit.status, t)}
                        </StatusBadge>
                      </Table.Td>
                      <Table.Td>
                        <MessagesButton visit={visit} onOpen={() => setOpen(visit)} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="md"
        title={open ? <MessagesTitle visit={open} zone={zone} /> : null}
        closeButtonProps={{ "aria-label": t("common:actions.close") }}
      >
        {open && <AppointmentMessages appointmentId={open.id} zone={zone} headingOrder={3} />}
      </Drawer>
    </Page>
  );
}

function MessagesButton({ visit, onOpen }: { visit: Appointment; onOpen: () => void }) {
  const { t } = useTranslation("provider");
  const name = usePersonName(visit.patient_id) ?? t("day.patient");
  return (
    <Button variant="default" size="sm" onClick={onOpen} aria-label={t("day.messagesFor", { name })}>
      {t("day.messages")}
    </Button>
  );
}

function MessagesTitle({ visit, zone }: { visit: Appointment; zone: string }) {
  const { t, i18n } = useTranslation("provider");
  const name = usePersonName(visit.patient_id) ?? t("day.patient");
  return (
    <>
      {t("day.drawerTitle", { name, time: formatTime(visit.starts_at, zone, i18n.language) })}
    </>
  );
}

/** /appointments: my appointments, upcoming and past, a page at a time. */
import { Button, Card, Group, Loader, Stack, Tabs, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { $api } from "../../api/query";
import { AppointmentStatusBadge } from "../../components/booking/AppointmentStatusBadge";
import { providerName } from "../../components/booking/providerNames";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime } from "../../lib/format";
import { type Appointment, type Clinic, useClinics, useTypes } from "./data";

const PAGE_SIZE = 10;
type When = "upcoming" | "past";

export function AppointmentsPage() {
  const { t } = useTranslation("patient");
  const [params, setParams] = useSearchParams();
  const tab: When = params.get("tab") === "past" ? "past" : "upcoming";
  return (
    <Page
      title={t("list.title")}
      actions={
        <Button component={Link} to="/book" size="sm" color="teal.9">
          {t("list.book")}
        </Button>
      }
    >
      <Tabs
        value={tab}
        onChange={(value) => setParams(value === "past" ? { tab: "past" } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List grow>
          <Tabs.Tab value="upcoming">{t("list.upcoming")}</Tabs.Tab>
          <Tabs.Tab value="past">{t("list.past")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="upcoming" pt="md">
          <AppointmentList when="upcoming" />
        </Tabs.Panel>
        <Tabs.Panel value="past" pt="md">
          <AppointmentList when="past" />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

function AppointmentList({ when }: { when: When }) {
  const { t } = useTranslation("patient");
  const [now] = useState(() => new Date().toISOString());
  // Cursors of the pages before this one: "previous" pops, "next" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const list = $api.useQuery("get", "/v1/appointments", {
    params: {
      query: {
        ...(when === "upcoming" ? { from: now } : { to: now }),
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      },
    },
  });
  const clinics = useClinics();

  if (list.isPending) {
    return <Loader role="status" aria-label={t("picker.loading")} />;
  }
  if (list.error) {
    return <ProblemAlert error={list.error} />;
  }
  const items = list.data.items;
  return (
    <Stack gap="sm">
      {items.length === 0 && cursors.length === 1 ? (
        <Text>{when === "upcoming" ? t("list.noUpcoming") : t("list.noPast")}</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
          {items.map((appointment) => (
            <li key={appointment.id}>
              <AppointmentCard
                appointment={appointment}
                clinic={clinics.data?.items.find((c) => c.id === appointment.clinic_id)}
              />
            </li>
          ))}
        </Stack>
      )}
      {(cursors.length > 1 || list.data.next_cursor) && (
        <Group justify="space-between">
          <Button
            variant="default"
            disabled={cursors.length === 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            {t("list.previousPage")}
          </Button>
          <Button
            variant="default"
            disabled={!list.data.next_cursor}
            onClick={() => setCursors([...cursors, list.data.next_cursor])}
          >
            {t("list.nextPage")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function AppointmentCard({ appointment, clinic }: { appointment: Appointment; clinic: Clinic | undefined }) {
  const { t, i18n } = useTranslation("patient");
  const types = useTypes(appointment.clinic_id);
  const type = types.data?.items.find((candidate) => candidate.id === appointment.type_id);
  const provider = providerName(appointment.provider_id);
  return (
    <Card
      component={Link}
      to={`/appointments/${appointment.id}`}
      withBorder
      radius="md"
      padding="sm"
      data-testid="appointment-card"
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text fw={700}>{formatDateTime(appointment.starts_at, appointment.time_zone, i18n.language)}</Text>
          <Text size="sm">{type?.name ?? t("detail.unknownType")}</Text>
          {provider && <Text size="sm">{provider}</Text>}
          <Text size="sm" c="gray.7">
            {clinic?.name ?? ""}
          </Text>
        </Stack>
        <AppointmentStatusBadge status={appointment.status} />
      </Group>
    </Card>
  );
}

/** Staffed hours against the minimums per local day and role; the short days in words and colour. */
import "./strings";
import { Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatNumber, formatShortDate } from "../../lib/format";
import { StatusBadge } from "../clinic/StatusBadge";
import { addDays, isDay, noonOf, todayIn } from "../provider/days";
import { MinimumsForm } from "./shifts/MinimumsForm";
import { AdminClinicSelect, useAdminClinic } from "./clinicPicker";
import { SHIFT_ROLES } from "./shifts/staff";

export default function CoveragePage() {
  const { t, i18n } = useTranslation(["admin", "adminShifts", "common"]);
  const { clinics, clinic, choose, query: clinicsQuery } = useAdminClinic();
  const zone = clinic?.time_zone ?? "UTC";
  const [picked, setPicked] = useState<string | null>(null);
  const [length, setLength] = useState("7");
  const from = picked && isDay(picked) ? picked : todayIn(zone);
  const path = { clinic_id: clinic?.id ?? "" };
  const coverage = $api.useQuery(
    "get",
    "/v1/clinics/{clinic_id}/coverage",
    { params: { path, query: { from, to: addDays(from, Number(length) - 1) } } },
    { enabled: !!clinic },
  );
  const minimums = $api.useQuery("get", "/v1/clinics/{clinic_id}/coverage/minimums", { params: { path } }, { enabled: !!clinic });
  const hours = (value: number) => t("adminShifts:coverage.hours", { count: value, hours: formatNumber(value, i18n.language) });
  const data = coverage.data;

  return (
    <Page title={t("admin:nav.coverage")}>
      <ProblemAlert error={clinicsQuery.error} />
      <Group align="flex-end" wrap="wrap">
        {clinic && <AdminClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />}
        <TextInput type="date" label={t("adminShifts:coverage.from")} value={from} onChange={(e) => setPicked(e.currentTarget.value)} />
        <NativeSelect
          label={t("adminShifts:coverage.length")}
          value={length}
          onChange={(e) => setLength(e.currentTarget.value)}
          data={["7", "14", "28"].map((n) => ({ value: n, label: t("adminShifts:coverage.days", { count: Number(n) }) }))}
        />
      </Group>
      {coverage.isPending && clinic && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={coverage.error} />
      {data && (
        <Stack gap="sm" component="section" aria-labelledby="coverage-title">
          <Title order={2} size="h3" id="coverage-title">
            {t("adminShifts:coverage.summaryTitle")}
          </Title>
          <Text role="status" fw={500} c={data.short_days.length ? "red.9" : "teal.9"}>
            {data.short_days.length
              ? t("adminShifts:coverage.shortSummary", { count: data.short_days.length, hours: formatNumber(data.total_gap_hours, i18n.language) })
              : t("adminShifts:coverage.allCovered")}
          </Text>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("adminShifts:coverage.day")}</Table.Th>
                  {SHIFT_ROLES.map((role) => (
                    <Table.Th scope="col" key={role}>
                      {t(`adminShifts:roles.${role}`)}
                    </Table.Th>
                  ))}
                  <Table.Th scope="col">{t("adminShifts:coverage.state")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.days.map((day) => (
                  <Table.Tr key={day.date} data-testid="coverage-day" data-short={day.short} style={day.short ? { background: "var(--mantine-color-red-0)" } : undefined}>
                    <Table.Th scope="row">{formatShortDate(noonOf(day.date, zone), zone, i18n.language)}</Table.Th>
                    {SHIFT_ROLES.map((role) => {
                      const found = day.roles.find((r) => r.role === role);
                      if (!found) return <Table.Td key={role}>—</Table.Td>;
                      return (
                        <Table.Td key={role} style={found.short ? { color: "var(--mantine-color-red-9)", fontWeight: 600 } : undefined}>
                          {found.minimum_hours > 0
                            ? t("adminShifts:coverage.ofMinimum", { staffed: hours(found.staffed_hours), minimum: hours(found.minimum_hours) })
                            : hours(found.staffed_hours)}
                          {found.short && <Text size="sm">{t("adminShifts:coverage.shortBy", { hours: hours(found.gap_hours) })}</Text>}
                        </Table.Td>
                      );
                    })}
                    <Table.Td>
                      {day.closed ? (
                        <StatusBadge tone="gray">{t("adminShifts:coverage.closed")}</StatusBadge>
                      ) : day.short ? (
                        <StatusBadge tone="red">{t("adminShifts:coverage.short")}</StatusBadge>
                      ) : (
                        <StatusBadge tone="green">{t("adminShifts:coverage.covered")}</StatusBadge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
      {clinic && minimums.data && <MinimumsForm key={`${clinic.id}-${minimums.dataUpdatedAt}`} clinicId={clinic.id} minimums={minimums.data.minimums} />}
      <ProblemAlert error={minimums.error} />
    </Page>
  );
}

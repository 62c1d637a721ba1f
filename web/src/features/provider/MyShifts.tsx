/** The provider's shifts this week and next, day by day, with breaks and cancellations. */
import { Card, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatNumber, formatShortDate, formatTime } from "../../lib/format";
import { StatusBadge } from "../clinic/StatusBadge";
import { ClinicPicker } from "./ClinicPicker";
import { addDays, mondayOf, noonOf, startOfDay, todayIn } from "./days";
import { useProviderClinic } from "./useProviderContext";
import { ZoneNote } from "./ZoneNote";

type Shift = components["schemas"]["ShiftRead"];

const CANCEL_REASONS = ["cancelled", "clinic_closed", "template_changed", "staff_left"] as const;

/** The shifts of each of the 14 days from `monday`, keyed by the clinic-local day. */
export function shiftsByDay(shifts: Shift[], monday: string): Map<string, Shift[]> {
  const days = new Map<string, Shift[]>();
  for (let i = 0; i < 14; i += 1) {
    days.set(addDays(monday, i), []);
  }
  for (const shift of [...shifts].sort((a, b) => a.starts_at.localeCompare(b.starts_at))) {
    days.get(shift.local_date)?.push(shift);
  }
  return days;
}

export default function MyShifts() {
  const { t, i18n } = useTranslation(["provider", "common"]);
  const { me, clinic, clinics, choose, query: clinicsQuery } = useProviderClinic();
  const zone = clinic?.time_zone ?? "UTC";
  const today = todayIn(zone);
  const monday = mondayOf(today);
  const shifts = $api.useQuery(
    "get",
    "/v1/shifts",
    {
      params: {
        query: {
          staff_id: me?.id ?? "",
          clinic_id: clinic?.id ?? "",
          from: startOfDay(monday, zone),
          to: startOfDay(addDays(monday, 14), zone),
          limit: 200,
        },
      },
    },
    { enabled: !!me && !!clinic },
  );
  const days = shiftsByDay(shifts.data?.items ?? [], monday);
  const language = i18n.language;
  const weeks = [
    { key: "this", title: t("provider:shifts.thisWeek"), first: monday },
    { key: "next", title: t("provider:shifts.nextWeek"), first: addDays(monday, 7) },
  ];

  return (
    <Page title={t("provider:shifts.title")}>
      <ClinicPicker clinics={clinics} value={clinic?.id} onChange={choose} />
      <ProblemAlert error={clinicsQuery.error} />
      {clinic && <ZoneNote zone={zone} />}
      {shifts.isPending && clinic && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={shifts.error} />
      {shifts.isSuccess &&
        weeks.map((week) => {
          const weekDays = Array.from({ length: 7 }, (_, i) => addDays(week.first, i));
          const hours = weekDays
            .flatMap((d) => days.get(d) ?? [])
            .filter((s) => s.status === "scheduled")
            .reduce((sum, s) => sum + s.worked_hours, 0);
          const headingId = `week-${week.key}`;
          return (
            <Stack key={week.key} gap="sm" component="section" aria-labelledby={headingId}>
              <Group justify="space-between" align="baseline" wrap="wrap">
                <Title order={2} size="h3" id={headingId}>
                  {week.title}{" "}
                  <Text span c="gray.7" fw={400} size="md">
                    {t("provider:range", {
                      from: formatShortDate(noonOf(weekDays[0]!, zone), zone, language),
                      to: formatShortDate(noonOf(weekDays[6]!, zone), zone, language),
                    })}
                  </Text>
                </Title>
                <Text size="sm">{t("provider:shifts.hours", { hours: formatNumber(hours, language) })}</Text>
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
                {weekDays.map((d) => {
                  const list = days.get(d) ?? [];
                  return (
                    <Card
                      key={d}
                      component="li"
                      withBorder
                      padding="sm"
                      data-testid="shift-day"
                      data-day={d}
                      style={d === today ? { borderColor: "var(--mantine-color-teal-8)", borderWidth: 2 } : undefined}
                    >
                      <Group gap="xs" justify="space-between" wrap="wrap">
                        <Text fw={600}>{formatDate(noonOf(d, zone), zone, language)}</Text>
                        {d === today && <StatusBadge tone="teal">{t("provider:shifts.today")}</StatusBadge>}
                      </Group>
                      {list.length === 0 && (
                        <Text size="sm" c="gray.7">
                          {t("provider:shifts.off")}
                        </Text>
                      )}
                      {list.map((shift) => (
                        <ShiftLine key={shift.id} shift={shift} zone={zone} />
                      ))}
                    </Card>
                  );
                })}
              </SimpleGrid>
            </Stack>
          );
        })}
    </Page>
  );
}

function ShiftLine({ shift, zone }: { shift: Shift; zone: string }) {
  const { t, i18n } = useTranslation(["provider", "common"]);
  const language = i18n.language;
  const cancelled = shift.status === "cancelled";
  const reason =
    shift.cancel_reason && (CANCEL_REASONS as readonly string[]).includes(shift.cancel_reason)
      ? t(`provider:shifts.cancelReason.${shift.cancel_reason as (typeof CANCEL_REASONS)[number]}`)
      : shift.cancel_reason;
  return (
    <Stack gap={2} mt={4} data-testid="shift" data-status={shift.status}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm" td={cancelled ? "line-through" : undefined}>
          {t("provider:range", {
            from: formatTime(shift.starts_at, zone, language),
            to: formatTime(shift.ends_at, zone, language),
          })}
        </Text>
        {cancelled && <StatusBadge tone="red">{t("provider:shifts.cancelled")}</StatusBadge>}
        {shift.modified && !cancelled && <StatusBadge tone="blue">{t("provider:shifts.changed")}</StatusBadge>}
      </Group>
      {cancelled && reason && (
        <Text size="sm" c="red.9">
          {reason}
        </Text>
      )}
      {!cancelled &&
        shift.breaks.map((pause) => (
          <Text size="sm" c="gray.7" key={pause.starts_at}>
            {t("provider:shifts.break", {
              from: formatTime(pause.starts_at, zone, language),
              to: formatTime(pause.ends_at, zone, language),
            })}
          </Text>
        ))}
      {shift.note && (
        <Text size="sm" c="gray.7">
          {shift.note}
        </Text>
      )}
    </Stack>
  );
}

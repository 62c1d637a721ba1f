/**
 * The clinic's day at the front desk: one column per provider on shift, visits placed by time
 * and coloured by status (with the status in words), breaks, leave and closures, the current
 * time. Polled every few seconds so what others change appears without a reload.
 */
import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Center,
  Group,
  Loader,
  ScrollArea,
  SegmentedControl,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from "@mantine/core";
import { useInterval } from "@mantine/hooks";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatShortDate, formatTime, zoneDiffers, zoneName } from "../../lib/format";
import { usePendingAppointmentIds } from "../../offline";
import { AppointmentDrawer } from "./AppointmentDrawer";
import { ClinicSelect } from "./ClinicSelect";
import { type Appointment, buildColumns, type Column, type RosterShift, SHOWN_STATUSES, visibleRange } from "./layout";
import { usePatients, useClinicNames, type Patient } from "./names";
import { OfflineSwitch } from "./OfflineSwitch";
import { STATUS_COLOR, useStatusLabel } from "./status";
import { useDeskClinic } from "./useDeskClinic";
import { addDays, dayStart, isDay, minutesInto, mondayOf, today } from "./zone";

export const POLL_MS = 5_000;
const PX_PER_MINUTE = 2;
const AXIS_WIDTH = 76;

type View = "day" | "week";

export default function DeskDay() {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const language = i18n.language;
  const { clinics, clinic, choose, query: clinicsQuery } = useDeskClinic();
  const [params, setParams] = useSearchParams();
  const zone = clinic?.time_zone ?? "UTC";
  const view: View = params.get("view") === "week" ? "week" : "day";
  const day = isDay(params.get("date")) ? params.get("date")! : today(zone);
  const [openId, setOpenId] = useState<string | null>(null);
  const [showCancelled, setShowCancelled] = useState(false);

  const go = (next: { date?: string; view?: View }) => {
    const merged = new URLSearchParams(params);
    if (next.date) merged.set("date", next.date);
    if (next.view) merged.set("view", next.view);
    setParams(merged, { replace: true });
  };

  if (clinicsQuery.isLoading) {
    return (
      <Page title={t("day.title")}>
        <Center>
          <Loader role="status" aria-label={t("common:app.loading")} />
        </Center>
      </Page>
    );
  }
  if (!clinic) {
    return (
      <Page title={t("day.title")}>
        {clinicsQuery.error ? <ProblemAlert error={clinicsQuery.error} /> : <Text>{t("clinic.none")}</Text>}
      </Page>
    );
  }
  const step = view === "week" ? 7 : 1;
  return (
    <Page title={t("day.title")}>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <ClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />
        <Group gap={6} align="flex-end" wrap="nowrap">
          <ActionIcon
            variant="default"
            size={40}
            aria-label={view === "week" ? t("day.previousWeek") : t("day.previousDay")}
            onClick={() => go({ date: addDays(day, -step) })}
          >
            <span aria-hidden>‹</span>
          </ActionIcon>
          <TextInput
            type="date"
            label={t("day.date")}
            value={day}
            onChange={(event) => isDay(event.currentTarget.value) && go({ date: event.currentTarget.value })}
            w={170}
          />
          <ActionIcon
            variant="default"
            size={40}
            aria-label={view === "week" ? t("day.nextWeek") : t("day.nextDay")}
            onClick={() => go({ date: addDays(day, step) })}
          >
            <span aria-hidden>›</span>
          </ActionIcon>
          <Button variant="default" h={40} onClick={() => go({ date: today(zone) })} aria-current={day === today(zone) ? "date" : undefined}>
            {t("day.today")}
          </Button>
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="desk-view-label">
            {t("day.view")}
          </Text>
          <SegmentedControl
            aria-labelledby="desk-view-label"
            value={view}
            onChange={(value) => go({ view: value as View })}
            data={[
              { value: "day", label: t("day.viewDay") },
              { value: "week", label: t("day.viewWeek") },
            ]}
          />
        </Stack>
        <Switch
          label={t("day.showCancelled")}
          checked={showCancelled}
          onChange={(event) => setShowCancelled(event.currentTarget.checked)}
          mb={10}
        />
      </Group>
      <Text size="sm" c="gray.7">
        {view === "week"
          ? `${formatDate(dayStart(mondayOf(day), zone), zone, language)} – ${formatDate(dayStart(addDays(mondayOf(day), 6), zone), zone, language)}`
          : formatDate(dayStart(day, zone), zone, language)}
        {zoneDiffers(zone) ? ` · ${t("common:time.clinicZone", { zone: zoneName(zone, language) })}` : ""}
        {` · ${t("day.live")}`}
      </Text>
      <OfflineSwitch clinic={clinic} clinics={clinics} />
      <Schedule
        clinicId={clinic.id}
        zone={zone}
        day={day}
        view={view}
        showCancelled={showCancelled}
        onOpen={setOpenId}
        onOpenDay={(date) => go({ date, view: "day" })}
        openId={openId}
        onClose={() => setOpenId(null)}
      />
    </Page>
  );
}

/** The appointments of [from, to), every page of them, refreshed every few seconds. */
function useAppointments(clinicId: string, from: Date, to: Date, showCancelled: boolean) {
  const statuses = showCancelled ? [...SHOWN_STATUSES, "cancelled" as const] : [...SHOWN_STATUSES];
  const query = $api.useInfiniteQuery(
    "get",
    "/v1/appointments",
    {
      params: {
        query: { clinic_id: clinicId, from: from.toISOString(), to: to.toISOString(), status: statuses, limit: 200 },
      },
    },
    {
      pageParamName: "cursor",
      initialPageParam: null,
      getNextPageParam: (last: { next_cursor: string | null }) => last.next_cursor ?? undefined,
      refetchInterval: POLL_MS,
    },
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const items = useMemo<Appointment[]>(() => (query.data?.pages ?? []).flatMap((page) => page.items), [query.data]);
  return { items, query };
}

function Schedule({
  clinicId,
  zone,
  day,
  view,
  showCancelled,
  onOpen,
  onOpenDay,
  openId,
  onClose,
}: {
  clinicId: string;
  zone: string;
  day: string;
  view: View;
  showCancelled: boolean;
  onOpen: (id: string) => void;
  onOpenDay: (day: string) => void;
  openId: string | null;
  onClose: () => void;
}) {
  const { t } = useTranslation(["desk", "common"]);
  const first = view === "week" ? mondayOf(day) : day;
  const last = view === "week" ? addDays(first, 6) : day;
  const roster = $api.useQuery(
    "get",
    "/v1/shifts/roster",
    { params: { query: { clinic_id: clinicId, date: day, view } } },
    { refetchInterval: POLL_MS },
  );
  const closures = $api.useQuery(
    "get",
    "/v1/clinics/{clinic_id}/closures",
    { params: { path: { clinic_id: clinicId }, query: { from: first, to: last, limit: 50 } } },
    { refetchInterval: 60_000 },
  );
  const { items, query } = useAppointments(clinicId, dayStart(first, zone), dayStart(addDays(last, 1), zone), showCancelled);
  const names = useClinicNames(clinicId);
  const patients = usePatients(items.map((a) => a.patient_id));
  const shifts = useMemo(() => (roster.data?.days ?? []).flatMap((d) => d.shifts), [roster.data]);
  const allNames = useMemo(() => {
    const out: Record<string, string> = { ...names.providerNames };
    for (const shift of shifts) {
      if (shift.staff_name) out[shift.staff_id] = shift.staff_name;
    }
    return out;
  }, [names.providerNames, shifts]);

  const loading = roster.isLoading || query.isLoading;
  const error = roster.error ?? query.error;
  return (
    <Stack gap="sm">
      {(closures.data?.items ?? []).map((closure) => (
        <Alert key={closure.id} color="yellow" c="yellow.9" variant="light" role="note">
          {t("day.closed", { name: closure.name })}
          {view === "week" && closure.first_day !== closure.last_day ? ` (${closure.first_day} – ${closure.last_day})` : view === "week" ? ` (${closure.first_day})` : ""}
        </Alert>
      ))}
      {error && <ProblemAlert error={error} />}
      {loading ? (
        <Center p="xl">
          <Loader role="status" aria-label={t("common:app.loading")} />
        </Center>
      ) : view === "day" ? (
        <DayGrid
          day={day}
          zone={zone}
          columns={buildColumns(day, zone, shifts, items, allNames)}
          patients={patients}
          typeNames={names.typeNames}
          onOpen={onOpen}
        />
      ) : (
        <WeekTable
          first={first}
          zone={zone}
          shifts={shifts}
          appointments={items}
          names={allNames}
          patients={patients}
          typeNames={names.typeNames}
          onOpen={onOpen}
          onOpenDay={onOpenDay}
        />
      )}
      <AppointmentDrawer
        appointmentId={openId}
        zone={zone}
        typeNames={names.typeNames}
        providerNames={allNames}
        onClose={onClose}
      />
    </Stack>
  );
}

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  const interval = useInterval(() => setNow(new Date()), 30_000);
  useEffect(() => {
    interval.start();
    return interval.stop;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return now;
}

function hourLabel(day: string, minutes: number, zone: string, language: string): string {
  return formatTime(new Date(dayStart(day, zone).getTime() + minutes * 60_000), zone, language);
}

function DayGrid({
  day,
  zone,
  columns,
  patients,
  typeNames,
  onOpen,
}: {
  day: string;
  zone: string;
  columns: Column[];
  patients: Record<string, Patient | undefined>;
  typeNames: Record<string, string>;
  onOpen: (id: string) => void;
}) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const language = i18n.language;
  const statusLabel = useStatusLabel();
  const pending = usePendingAppointmentIds();
  const now = useNow();
  const nowMinutes = today(zone, now) === day ? minutesInto(day, now, zone) : null;
  const range = visibleRange(columns, null);
  const height = (range.end - range.start) * PX_PER_MINUTE;
  const y = (minutes: number) => (minutes - range.start) * PX_PER_MINUTE;
  const hours: number[] = [];
  for (let m = range.start; m <= range.end; m += 60) hours.push(m);

  if (columns.length === 0) {
    return <Text>{t("day.noProviders")}</Text>;
  }
  return (
    <ScrollArea type="auto" offsetScrollbars>
      <Box role="region" aria-label={t("day.grid")} style={{ display: "flex", minWidth: AXIS_WIDTH + columns.length * 200 }}>
        <Box w={AXIS_WIDTH} style={{ flexShrink: 0 }} aria-hidden>
          <Box h={56} />
          <Box pos="relative" h={height}>
            {hours.map((m) => (
              <Text key={m} size="xs" c="gray.7" pos="absolute" top={y(m) - 8} right={8}>
                {hourLabel(day, m, zone, language)}
              </Text>
            ))}
          </Box>
        </Box>
        {columns.map((col) => (
          <Box key={col.providerId} style={{ flex: "1 0 200px", borderLeft: "1px solid var(--mantine-color-gray-3)" }}>
            <Box h={56} px="xs" py={4} style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}>
              <Text component="h2" fw={700} size="sm" m={0} truncate>
                {col.name ?? t("day.unknownProvider")}
              </Text>
              <Text size="xs" c={col.onLeave ? "red.9" : "dimmed"} fw={col.onLeave ? 700 : 400}>
                {col.onLeave
                  ? t("day.onLeave")
                  : col.shifts.length === 0
                    ? t("day.noShift")
                    : col.shifts.every((s) => s.cancelled)
                      ? t("day.shiftCancelled")
                      : col.shifts
                          .filter((s) => !s.cancelled)
                          .map((s) => t("day.shiftHours", { from: hourLabel(day, s.start, zone, language), to: hourLabel(day, s.end, zone, language) }))
                          .join(", ")}
              </Text>
            </Box>
            <Box pos="relative" h={height} style={{ backgroundImage: gridLines(range.start) }}>
              {col.shifts.map((s, i) => (
                <Box
                  key={`s${i}`}
                  pos="absolute"
                  left={0}
                  right={0}
                  top={y(s.start)}
                  h={(s.end - s.start) * PX_PER_MINUTE}
                  bg={s.cancelled || col.onLeave ? undefined : "teal.0"}
                  style={
                    s.cancelled || col.onLeave
                      ? { backgroundImage: "repeating-linear-gradient(45deg, var(--mantine-color-gray-1) 0 8px, var(--mantine-color-gray-2) 8px 16px)" }
                      : undefined
                  }
                  aria-hidden
                >
                  {(s.cancelled || col.onLeave) && (
                    <Text size="xs" fw={600} c="gray.8" p={4}>
                      {col.onLeave ? t("day.onLeave") : t("day.shiftCancelled")}
                    </Text>
                  )}
                </Box>
              ))}
              {col.breaks.map((b, i) => (
                <Box
                  key={`b${i}`}
                  pos="absolute"
                  left={0}
                  right={0}
                  top={y(b.start)}
                  h={(b.end - b.start) * PX_PER_MINUTE}
                  style={{ backgroundImage: "repeating-linear-gradient(-45deg, var(--mantine-color-yellow-1) 0 6px, var(--mantine-color-yellow-0) 6px 12px)" }}
                  aria-hidden
                >
                  <Text size="xs" c="yellow.9" fw={600} p={4}>
                    {t("day.break")}
                  </Text>
                </Box>
              ))}
              {col.blocks.map((block) => {
                const a = block.appointment;
                const color = STATUS_COLOR[a.status];
                const patient = (a.patient_id && patients[a.patient_id]?.full_name) || t("day.unknownPatient");
                const type = typeNames[a.type_id] ?? "";
                const when = formatTime(a.starts_at, zone, language);
                const cancelled = a.status === "cancelled";
                const waiting = pending.has(a.id);
                return (
                  <UnstyledButton
                    key={a.id}
                    onClick={() => onOpen(a.id)}
                    data-status={a.status}
                    data-pending={waiting || undefined}
                    pos="absolute"
                    top={y(block.start) + 1}
                    h={Math.max(40, (block.end - block.start) * PX_PER_MINUTE - 2)}
                    left={`calc(${(block.lane / block.lanes) * 100}% + 3px)`}
                    w={`calc(${100 / block.lanes}% - 6px)`}
                    px={6}
                    py={2}
                    className="desk-visit"
                    style={{
                      background: `var(--mantine-color-${color}-1)`,
                      borderLeft: `4px ${waiting ? "dashed" : "solid"} var(--mantine-color-${color}-7)`,
                      outline: waiting ? "1px dashed var(--mantine-color-gray-7)" : undefined,
                      borderRadius: 4,
                      overflow: "hidden",
                      opacity: cancelled ? 0.85 : 1,
                      textDecoration: cancelled ? "line-through" : undefined,
                      zIndex: 2,
                    }}
                  >
                    <Text size="xs" fw={700} c={`${color}.9`} lh={1.25} truncate>
                      {when} · {statusLabel(a.status)}
                      {a.walk_in ? ` · ${t("day.walkIn")}` : ""}
                      {waiting ? ` · ${t("common:sync.pending")}` : ""}
                    </Text>
                    <Text size="xs" c="dark.9" lh={1.25} truncate>
                      {patient}
                      {type ? ` · ${type}` : ""}
                    </Text>
                  </UnstyledButton>
                );
              })}
              {nowMinutes !== null && nowMinutes >= range.start && nowMinutes <= range.end && (
                <Box pos="absolute" left={0} right={0} top={y(nowMinutes)} h={2} bg="red.8" style={{ zIndex: 3 }} aria-hidden />
              )}
            </Box>
          </Box>
        ))}
      </Box>
      {nowMinutes !== null && (
        <Text size="xs" c="red.9" fw={600} mt={4}>
          {t("day.now", { time: formatTime(now, zone, language) })}
        </Text>
      )}
    </ScrollArea>
  );
}

function gridLines(startMinutes: number): string {
  const hour = 60 * PX_PER_MINUTE;
  const offset = ((60 - (startMinutes % 60)) % 60) * PX_PER_MINUTE;
  return `repeating-linear-gradient(to bottom, transparent 0 ${offset + hour - 1}px, var(--mantine-color-gray-2) ${offset + hour - 1}px ${offset + hour}px)`;
}

function WeekTable({
  first,
  zone,
  shifts,
  appointments,
  names,
  patients,
  typeNames,
  onOpen,
  onOpenDay,
}: {
  first: string;
  zone: string;
  shifts: RosterShift[];
  appointments: Appointment[];
  names: Record<string, string>;
  patients: Record<string, Patient | undefined>;
  typeNames: Record<string, string>;
  onOpen: (id: string) => void;
  onOpenDay: (day: string) => void;
}) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const language = i18n.language;
  const statusLabel = useStatusLabel();
  const pending = usePendingAppointmentIds();
  const days = Array.from({ length: 7 }, (_, i) => addDays(first, i));
  const perDay = days.map((d) => buildColumns(d, zone, shifts, appointments, names));
  const providers = new Map<string, string | null>();
  perDay.flat().forEach((col) => providers.set(col.providerId, col.name));
  if (providers.size === 0) {
    return <Text>{t("day.noProviders")}</Text>;
  }
  const sortedProviders = [...providers.entries()].sort((a, b) => (a[1] ?? "~").localeCompare(b[1] ?? "~"));
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table withTableBorder withColumnBorders verticalSpacing="xs" style={{ tableLayout: "fixed" }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" w={140}>
              {t("day.provider")}
            </Table.Th>
            {days.map((d) => (
              <Table.Th key={d} scope="col">
                <Button variant="subtle" size="compact-sm" onClick={() => onOpenDay(d)}>
                  {formatShortDate(dayStart(d, zone), zone, language)}
                </Button>
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sortedProviders.map(([providerId, name]) => (
            <Table.Tr key={providerId}>
              <Table.Th scope="row">{name ?? t("day.unknownProvider")}</Table.Th>
              {perDay.map((cols, i) => {
                const col = cols.find((c) => c.providerId === providerId);
                const d = days[i]!;
                return (
                  <Table.Td key={d} style={{ verticalAlign: "top" }}>
                    <Stack gap={4}>
                      {col?.onLeave ? (
                        <Text size="xs" fw={700} c="red.9">
                          {t("day.onLeave")}
                        </Text>
                      ) : col && col.shifts.some((s) => !s.cancelled) ? (
                        <Text size="xs" c="gray.7">
                          {col.shifts
                            .filter((s) => !s.cancelled)
                            .map((s) => `${hourLabel(d, s.start, zone, language)}–${hourLabel(d, s.end, zone, language)}`)
                            .join(", ")}
                        </Text>
                      ) : col && col.shifts.length ? (
                        <Text size="xs" c="gray.7">
                          {t("day.shiftCancelled")}
                        </Text>
                      ) : null}
                      {(col?.blocks ?? []).map(({ appointment: a }) => {
                        const color = STATUS_COLOR[a.status];
                        const patient = (a.patient_id && patients[a.patient_id]?.full_name) || t("day.unknownPatient");
                        return (
                          <UnstyledButton
                            key={a.id}
                            onClick={() => onOpen(a.id)}
                            data-status={a.status}
                            data-pending={pending.has(a.id) || undefined}
                            className="desk-visit"
                            px={4}
                            py={2}
                            style={{ background: `var(--mantine-color-${color}-1)`, borderLeft: `3px solid var(--mantine-color-${color}-7)`, borderRadius: 3, minHeight: 40 }}
                          >
                            <Text size="xs" fw={700} c={`${color}.9`} lh={1.2}>
                              {formatTime(a.starts_at, zone, language)} · {statusLabel(a.status)}
                              {pending.has(a.id) ? ` · ${t("common:sync.pending")}` : ""}
                            </Text>
                            <Text size="xs" c="dark.9" lh={1.2} truncate>
                              {patient}
                              {typeNames[a.type_id] ? ` · ${typeNames[a.type_id]}` : ""}
                            </Text>
                          </UnstyledButton>
                        );
                      })}
                    </Stack>
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Request leave (whole local days or a time range) and follow one's requests. */
import {
  Alert,
  Button,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Paper,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import type { TFunction } from "i18next";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../api/commands";
import { isProblem } from "../../api/problem";
import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { applyFieldErrors } from "../../components/formErrors";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatShortDate, localDay } from "../../lib/format";
import { SOLID, StatusBadge, type Tone } from "../clinic/StatusBadge";
import { ClinicPicker } from "./ClinicPicker";
import { addDays, isDay, noonOf, todayIn, wallTime, zonedInstant } from "./days";
import { useProviderClinic } from "./useProviderContext";
import { ZoneNote } from "./ZoneNote";

type LeaveRead = components["schemas"]["LeaveRead"];
type LeaveCreate = components["schemas"]["LeaveCreate"];
type Kind = LeaveCreate["kind"];
type LeaveStatus = LeaveRead["status"];

export const KINDS: Kind[] = ["annual", "sick", "parental", "training", "other"];
const MAX_DAYS = 366;
// Mantine's descriptions are "dimmed" (gray 6, 3.3:1 on white): gray 7 reads at 8:1.
const READABLE = { description: { color: "var(--mantine-color-gray-7)" } };
const LOCAL_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/;

const TONES: Record<LeaveStatus, Tone> = { requested: "yellow", approved: "green", rejected: "red", cancelled: "gray" };

interface Values {
  kind: Kind;
  mode: "days" | "times";
  first_day: string;
  last_day: string;
  starts_at: string;
  ends_at: string;
  reason: string;
}

/** The request body for the form's values, times read in the clinic's zone. */
export function leaveBody(values: Values, clinicId: string, zone: string): LeaveCreate {
  const reason = values.reason.trim() || null;
  if (values.mode === "days") {
    return { clinic_id: clinicId, kind: values.kind, reason, first_day: values.first_day, last_day: values.last_day };
  }
  const at = (value: string) => {
    const [, day, time] = LOCAL_DATETIME.exec(value)!;
    return zonedInstant(day!, time!, zone);
  };
  return { clinic_id: clinicId, kind: values.kind, reason, starts_at: at(values.starts_at), ends_at: at(values.ends_at) };
}

export function leaveStatusLabel(status: LeaveStatus, t: TFunction<["provider", "common"]>): string {
  if (status === "requested") {
    return t("common:status.pending");
  }
  if (status === "cancelled") {
    return t("common:status.cancelled");
  }
  return t(`provider:leave.status.${status}`);
}

/** Whole local days ("Mon 7 Dec – Fri 11 Dec") or the two instants. */
export function leaveSpan(leave: Pick<LeaveRead, "starts_at" | "ends_at">, zone: string, language: string, t: TFunction<["provider", "common"]>): string {
  if (wallTime(leave.starts_at, zone) === "00:00" && wallTime(leave.ends_at, zone) === "00:00") {
    const first = localDay(leave.starts_at, zone);
    const last = addDays(localDay(leave.ends_at, zone), -1);
    const show = (day: string) => formatShortDate(noonOf(day, zone), zone, language);
    return first === last ? show(first) : t("provider:range", { from: show(first), to: show(last) });
  }
  return t("provider:range", {
    from: formatDateTime(leave.starts_at, zone, language),
    to: formatDateTime(leave.ends_at, zone, language),
  });
}

/** Staff withdraw their own leave while it is requested, or approved and not started. */
export function canCancel(leave: LeaveRead, now: Date = new Date()): boolean {
  return leave.status === "requested" || (leave.status === "approved" && new Date(leave.starts_at) > now);
}

export default function Leave() {
  const { t, i18n } = useTranslation(["provider", "common"]);
  const { me, clinic, clinics, choose, query: clinicsQuery } = useProviderClinic();
  const zone = clinic?.time_zone ?? "UTC";
  const today = todayIn(zone);
  const language = i18n.language;
  const request = useCommand("post", "/v1/leave");
  const [failure, setFailure] = useState<unknown>(null);

  const form = useForm<Values>({
    mode: "uncontrolled",
    initialValues: { kind: "annual", mode: "days", first_day: "", last_day: "", starts_at: "", ends_at: "", reason: "" },
    validate: {
      first_day: (value, values) =>
        values.mode !== "days" ? null : isDay(value) ? null : t("provider:leave.errors.firstDay"),
      last_day: (value, values) => {
        if (values.mode !== "days") {
          return null;
        }
        if (!isDay(value)) {
          return t("provider:leave.errors.lastDay");
        }
        if (isDay(values.first_day) && value < values.first_day) {
          return t("provider:leave.errors.lastBeforeFirst");
        }
        if (isDay(values.first_day) && value > addDays(values.first_day, MAX_DAYS - 1)) {
          return t("provider:leave.errors.tooLong", { count: MAX_DAYS });
        }
        return null;
      },
      starts_at: (value, values) =>
        values.mode !== "times" ? null : LOCAL_DATETIME.test(value) ? null : t("provider:leave.errors.startsAt"),
      ends_at: (value, values) => {
        if (values.mode !== "times") {
          return null;
        }
        if (!LOCAL_DATETIME.test(value)) {
          return t("provider:leave.errors.endsAt");
        }
        if (LOCAL_DATETIME.test(values.starts_at) && value <= values.starts_at) {
          return t("provider:leave.errors.endBeforeStart");
        }
        return null;
      },
      reason: (value) => (value.length > 500 ? t("provider:leave.errors.reasonLength", { count: 500 }) : null),
    },
  });
  const [mode, setMode] = useState<Values["mode"]>("days");
  form.watch("mode", ({ value }) => setMode(value));

  const from = useMemo(() => new Date(Date.now() - 60 * 86_400_000).toISOString(), []);
  const list = $api.useQuery(
    "get",
    "/v1/leave",
    { params: { query: { staff_id: me?.id ?? "", from, limit: 200 } } },
    { enabled: !!me },
  );
  const mine = [...(list.data?.items ?? [])].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  const zoneOf = (clinicId: string) => clinics.find((c) => c.id === clinicId)?.time_zone ?? zone;

  const submit = form.onSubmit(async (values) => {
    if (!clinic) {
      return;
    }
    setFailure(null);
    try {
      await request.mutateAsync({ body: leaveBody(values, clinic.id, zone) });
      notifications.show({ color: "teal", closeButtonProps: { "aria-label": t("common:actions.close") }, message: t("provider:leave.requested") });
      form.setValues({ first_day: "", last_day: "", starts_at: "", ends_at: "", reason: "" });
      form.resetDirty();
    } catch (error) {
      applyFieldErrors(form, error);
      setFailure(error);
    }
  });

  const overlap = isProblem(failure) && failure.slug === "leave-overlap" ? (failure.body.clashing_leave as LeaveRead | undefined) : undefined;

  return (
    <Page title={t("provider:leave.title")}>
      <ProblemAlert error={clinicsQuery.error} />
      {clinic && (
        <Paper withBorder p="md" maw={640} component="section" aria-labelledby="leave-form-title">
          <form onSubmit={submit} noValidate>
            <Stack>
              <Title order={2} size="h3" id="leave-form-title">
                {t("provider:leave.formTitle")}
              </Title>
              <ClinicPicker clinics={clinics} value={clinic.id} onChange={choose} />
              <NativeSelect
                label={t("provider:leave.kind")}
                data={KINDS.map((kind) => ({ value: kind, label: t(`provider:leave.kinds.${kind}`) }))}
                key={form.key("kind")}
                {...form.getInputProps("kind")}
              />
              <Radio.Group label={t("provider:leave.length")} key={form.key("mode")} {...form.getInputProps("mode")}>
                <Group mt="xs" gap="lg">
                  <Radio value="days" label={t("provider:leave.wholeDays")} />
                  <Radio value="times" label={t("provider:leave.timeRange")} />
                </Group>
              </Radio.Group>
              {mode === "days" ? (
                <Group grow align="flex-start" wrap="wrap">
                  <TextInput
                    type="date"
                    label={t("provider:leave.firstDay")}
                    required
                    min={today}
                    key={form.key("first_day")}
                    {...form.getInputProps("first_day")}
                  />
                  <TextInput
                    type="date"
                    label={t("provider:leave.lastDay")}
                    description={t("provider:leave.lastDayHint")}
                    styles={READABLE}
                    required
                    min={today}
                    key={form.key("last_day")}
                    {...form.getInputProps("last_day")}
                  />
                </Group>
              ) : (
                <Group grow align="flex-start" wrap="wrap">
                  <TextInput
                    type="datetime-local"
                    label={t("provider:leave.startsAt")}
                    required
                    key={form.key("starts_at")}
                    {...form.getInputProps("starts_at")}
                  />
                  <TextInput
                    type="datetime-local"
                    label={t("provider:leave.endsAt")}
                    required
                    key={form.key("ends_at")}
                    {...form.getInputProps("ends_at")}
                  />
                </Group>
              )}
              <ZoneNote zone={zone} />
              {overlap ? (
                <Alert color="red" role="alert" variant="light" title={t("provider:leave.overlapTitle")}>
                  {t("provider:leave.overlap", {
                    status: leaveStatusLabel(overlap.status, t).toLowerCase(),
                    span: leaveSpan(overlap, zoneOf(overlap.clinic_id), language, t),
                  })}
                </Alert>
              ) : (
                <ProblemAlert error={failure} />
              )}
              <Textarea
                label={t("provider:leave.reason")}
                description={t("provider:leave.reasonHint")}
                styles={READABLE}
                rows={3}
                maxLength={500}
                key={form.key("reason")}
                {...form.getInputProps("reason")}
              />
              <Group>
                <Button type="submit" {...SOLID.teal} loading={request.isPending}>
                  {t("provider:leave.submit")}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      <Stack gap="sm" component="section" aria-labelledby="leave-list-title">
        <Title order={2} size="h3" id="leave-list-title">
          {t("provider:leave.mine")}
        </Title>
        {list.isPending && <Loader role="status" aria-label={t("common:app.loading")} />}
        <ProblemAlert error={list.error} />
        {list.isSuccess && mine.length === 0 && <Text c="gray.7">{t("provider:leave.none")}</Text>}
        {mine.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="sm" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("provider:leave.col.when")}</Table.Th>
                  <Table.Th scope="col">{t("provider:leave.col.kind")}</Table.Th>
                  <Table.Th scope="col">{t("provider:leave.col.status")}</Table.Th>
                  <Table.Th scope="col">{t("provider:leave.col.notes")}</Table.Th>
                  <Table.Th scope="col">{t("provider:leave.col.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {mine.map((leave) => (
                  <LeaveRow key={leave.id} leave={leave} zone={zoneOf(leave.clinic_id)} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Page>
  );
}

function LeaveRow({ leave, zone }: { leave: LeaveRead; zone: string }) {
  const { t, i18n } = useTranslation(["provider", "common"]);
  const [confirming, setConfirming] = useState(false);
  const cancel = useCommand("post", "/v1/leave/{leave_id}/cancel");
  const span = leaveSpan(leave, zone, i18n.language, t);
  const notes = [
    leave.reason,
    leave.decision_note ? t("provider:leave.decisionNote", { note: leave.decision_note }) : null,
    leave.cancel_note ? t("provider:leave.cancelNote", { note: leave.cancel_note }) : null,
  ].filter(Boolean);

  const confirm = async () => {
    try {
      await cancel.mutateAsync({ params: { path: { leave_id: leave.id } }, body: {} });
      setConfirming(false);
      notifications.show({ color: "teal", closeButtonProps: { "aria-label": t("common:actions.close") }, message: t("provider:leave.cancelled") });
    } catch {
      // shown in the dialog, next to the button that failed
    }
  };

  return (
    <Table.Tr data-testid="leave-row" data-status={leave.status}>
      <Table.Td>{span}</Table.Td>
      <Table.Td>{t(`provider:leave.kinds.${leave.kind}`)}</Table.Td>
      <Table.Td>
        <StatusBadge tone={TONES[leave.status]}>{leaveStatusLabel(leave.status, t)}</StatusBadge>
      </Table.Td>
      <Table.Td>
        {notes.map((note) => (
          <Text size="sm" key={note}>
            {note}
          </Text>
        ))}
      </Table.Td>
      <Table.Td>
        {canCancel(leave) && (
          <Button
            variant="default"
            size="sm"
            onClick={() => {
              cancel.reset();
              setConfirming(true);
            }}
            aria-label={t("provider:leave.cancelFor", { span })}
          >
            {t("provider:leave.cancel")}
          </Button>
        )}
        <Modal
          opened={confirming}
          onClose={() => setConfirming(false)}
          title={t("provider:leave.confirmTitle")}
          closeButtonProps={{ "aria-label": t("common:actions.close") }}
        >
          <Stack>
            <Text>{t("provider:leave.confirmText", { span })}</Text>
            <ProblemAlert error={cancel.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t("provider:leave.keep")}
              </Button>
              <Button {...SOLID.red} onClick={() => void confirm()} loading={cancel.isPending}>
                {t("provider:leave.confirmCancel")}
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}

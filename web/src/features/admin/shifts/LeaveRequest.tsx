/** One leave request for an admin: who, when, the shifts it covers, and approve or reject. */
import { Button, Group, List, Modal, Paper, Stack, Text, TextInput } from "@mantine/core";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { formatDateTime, formatShortDate, formatTime, localDay } from "../../../lib/format";
import { SOLID, StatusBadge, type Tone } from "../../clinic/StatusBadge";
import { addDays, noonOf } from "../../provider/days";

export type LeaveRead = components["schemas"]["LeaveRead"];
type AffectedShift = components["schemas"]["AffectedShift"];
const TONES: Record<LeaveRead["status"], Tone> = { requested: "yellow", approved: "green", rejected: "red", cancelled: "gray" };

/** Whole local days ("Mon 7 Dec – Fri 11 Dec") or the two instants. */
export function leaveSpan(leave: Pick<LeaveRead, "starts_at" | "ends_at">, zone: string, language: string, t: TFunction<"adminShifts">): string {
  const midnight = (at: string) => formatTime(at, zone, "en-GB") === "00:00";
  if (midnight(leave.starts_at) && midnight(leave.ends_at)) {
    const first = localDay(leave.starts_at, zone);
    const last = addDays(localDay(leave.ends_at, zone), -1);
    const show = (day: string) => formatShortDate(noonOf(day, zone), zone, language);
    return first === last ? show(first) : t("range", { from: show(first), to: show(last) });
  }
  return t("range", { from: formatDateTime(leave.starts_at, zone, language), to: formatDateTime(leave.ends_at, zone, language) });
}

export function shiftSpan(shift: AffectedShift, zone: string, language: string): string {
  return `${formatShortDate(shift.starts_at, zone, language)} ${formatTime(shift.starts_at, zone, language)}–${formatTime(shift.ends_at, zone, language)}`;
}

export function LeaveRequest({
  leave,
  zoneOf,
  clinicName,
  mayDecide,
  onDecided,
}: {
  leave: LeaveRead;
  zoneOf: (clinicId: string) => string;
  clinicName: (clinicId: string) => string;
  mayDecide: boolean;
  onDecided: (leave: LeaveRead) => void;
}) {
  const { t, i18n } = useTranslation(["adminShifts", "common"]);
  const zone = zoneOf(leave.clinic_id);
  const span = leaveSpan(leave, zone, i18n.language, t as TFunction<"adminShifts">);
  const name = leave.staff_name ?? t("unknownName");
  const detail = $api.useQuery("get", "/v1/leave/{leave_id}", { params: { path: { leave_id: leave.id } } });
  const shifts = detail.data?.affected_shifts ?? [];
  const [deciding, setDeciding] = useState<"approve" | "reject" | null>(null);
  const [note, setNote] = useState("");
  const approve = useCommand("post", "/v1/leave/{leave_id}/approve");
  const reject = useCommand("post", "/v1/leave/{leave_id}/reject");
  const command = deciding === "reject" ? reject : approve;

  const confirm = async () => {
    const init = { params: { path: { leave_id: leave.id } }, body: { note: note.trim() || null } };
    try {
      const decided = deciding === "approve" ? await approve.mutateAsync(init) : await reject.mutateAsync(init);
      setDeciding(null);
      onDecided(decided);
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Paper withBorder p="md" component="article" aria-label={t("leave.requestOf", { name, span })} data-testid="leave-request" data-status={leave.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={700}>{name}</Text>
          <StatusBadge tone={TONES[leave.status]}>{t(`leave.statuses.${leave.status}`)}</StatusBadge>
        </Group>
        <Text>
          {span} · {t(`leave.kinds.${leave.kind}`)}
        </Text>
        {leave.reason && <Text size="sm">{t("leave.reason", { reason: leave.reason })}</Text>}
        {leave.decision_note && <Text size="sm">{t("leave.decisionNote", { note: leave.decision_note })}</Text>}
        <Text size="sm" fw={600}>
          {t("leave.covers")}
        </Text>
        <ProblemAlert error={detail.error} />
        {detail.isSuccess && shifts.length === 0 && <Text size="sm" c="gray.7">{t("leave.noShifts")}</Text>}
        {shifts.length > 0 && (
          <List size="sm" data-testid="leave-shifts">
            {shifts.map((s) => (
              <List.Item key={s.id}>
                {shiftSpan(s, zoneOf(s.clinic_id), i18n.language)} · {clinicName(s.clinic_id)}
              </List.Item>
            ))}
          </List>
        )}
        {mayDecide && leave.status === "requested" && (
          <Group gap="xs">
            <Button size="sm" {...SOLID.teal} onClick={() => (approve.reset(), setNote(""), setDeciding("approve"))} aria-label={t("leave.approveFor", { name, span })}>
              {t("leave.approve")}
            </Button>
            <Button size="sm" variant="default" onClick={() => (reject.reset(), setNote(""), setDeciding("reject"))} aria-label={t("leave.rejectFor", { name, span })}>
              {t("leave.reject")}
            </Button>
          </Group>
        )}
      </Stack>
      <Modal opened={!!deciding} onClose={() => setDeciding(null)} title={deciding ? t(`leave.${deciding}Title`, { name }) : ""} closeButtonProps={{ "aria-label": t("common:actions.close") }}>
        <Stack>
          <Text>{span}</Text>
          <TextInput label={t("leave.note")} value={note} maxLength={500} onChange={(e) => setNote(e.currentTarget.value)} />
          <ProblemAlert error={command.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeciding(null)}>
              {t("common:actions.cancel")}
            </Button>
            <Button {...(deciding === "reject" ? SOLID.red : SOLID.teal)} loading={command.isPending} onClick={() => void confirm()}>
              {deciding ? t(`leave.${deciding}Confirm`) : ""}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

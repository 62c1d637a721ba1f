/**
 * One visit at the desk: who, what, when, its status, the moves its status allows (and only
 * those), a 409 explained with alternatives, and the messages sent about it.
 */
import { Alert, Button, Divider, Drawer, Group, Loader, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../api/commands";
import { $api } from "../../api/query";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatTime } from "../../lib/format";
import { usePendingAppointmentIds } from "../../offline";
import { AppointmentMessages } from "../clinic/AppointmentMessages";
import { ClashAlert } from "./ClashAlert";
import { allowedMoves, type Appointment, type Move } from "./layout";
import { usePatients } from "./names";
import { readable } from "./readable";
import { SlotPicker } from "./SlotPicker";
import { PendingBadge, StatusBadge, useStatusLabel } from "./status";
import { isDay, today } from "./zone";

const PATHS = {
  "check-in": "/v1/appointments/{appointment_id}/check-in",
  complete: "/v1/appointments/{appointment_id}/complete",
  "no-show": "/v1/appointments/{appointment_id}/no-show",
} as const;

export function AppointmentDrawer({
  appointmentId,
  zone,
  typeNames,
  providerNames,
  onClose,
}: {
  appointmentId: string | null;
  zone: string;
  typeNames: Record<string, string>;
  providerNames: Record<string, string>;
  onClose: () => void;
}) {
  const { t } = useTranslation(["desk", "common"]);
  return (
    <Drawer
      opened={!!appointmentId}
      onClose={onClose}
      position="right"
      size="md"
      title={t("appointment.title")}
      closeButtonProps={{ "aria-label": t("common:actions.close") }}
    >
      {appointmentId && (
        <AppointmentDetails
          key={appointmentId}
          appointmentId={appointmentId}
          zone={zone}
          typeNames={typeNames}
          providerNames={providerNames}
        />
      )}
    </Drawer>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text size="sm" c="gray.7" w={110} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <div>{children}</div>
    </Group>
  );
}

function AppointmentDetails({
  appointmentId,
  zone,
  typeNames,
  providerNames,
}: {
  appointmentId: string;
  zone: string;
  typeNames: Record<string, string>;
  providerNames: Record<string, string>;
}) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const language = i18n.language;
  const statusLabel = useStatusLabel();
  const query = $api.useQuery(
    "get",
    "/v1/appointments/{appointment_id}",
    { params: { path: { appointment_id: appointmentId } } },
    { refetchInterval: 5_000 },
  );
  const appointment = query.data;
  const patients = usePatients([appointment?.patient_id]);
  const pending = usePendingAppointmentIds();
  const [done, setDone] = useState<string | null>(null);

  if (query.isLoading) {
    return <Loader role="status" aria-label={t("common:app.loading")} />;
  }
  if (!appointment) {
    return <ProblemAlert error={query.error} />;
  }
  const patient = appointment.patient_id ? patients[appointment.patient_id] : undefined;
  const time = (value: string) => formatTime(value, zone, language);
  return (
    <Stack gap="sm">
      <Field label={t("appointment.patient")}>
        <Text fw={600}>{patient?.full_name ?? t("day.unknownPatient")}</Text>
      </Field>
      {patient?.phone && (
        <Field label={t("appointment.phone")}>
          <Text>{patient.phone}</Text>
        </Field>
      )}
      <Field label={t("appointment.type")}>
        <Text>{typeNames[appointment.type_id] ?? "—"}</Text>
      </Field>
      <Field label={t("appointment.time")}>
        <Text>
          {formatDate(appointment.starts_at, zone, language)}, {time(appointment.starts_at)}–{time(appointment.ends_at)}
        </Text>
      </Field>
      <Field label={t("appointment.provider")}>
        <Text>{providerNames[appointment.provider_id] ?? t("day.unknownProvider")}</Text>
      </Field>
      <Field label={t("appointment.status")}>
        <Group gap="xs">
          <StatusBadge status={appointment.status} size="md" />
          {pending.has(appointment.id) && <PendingBadge />}
          {appointment.walk_in && <Text size="sm">{t("appointment.walkIn")}</Text>}
        </Group>
      </Field>
      <Field label={t("appointment.source")}>
        <Text>{appointment.booked_by === "patient" ? t("appointment.sourcePatient") : t("appointment.sourceClinic")}</Text>
      </Field>
      {appointment.note && (
        <Field label={t("appointment.note")}>
          <Text>{appointment.note}</Text>
        </Field>
      )}
      {appointment.cancel_reason && (
        <Field label={t("appointment.cancelReason")}>
          <Text>{appointment.cancel_reason}</Text>
        </Field>
      )}
      {appointment.needs_reschedule && (
        <Alert color="orange" c="orange.9" variant="light">
          {t("appointment.needsReschedule", { reason: appointment.needs_reschedule_reason ?? "" })}
        </Alert>
      )}
      <Divider />
      <Text component="h3" fw={700} size="md" m={0}>
        {t("appointment.actions")}
      </Text>
      {done && (
        <Alert color="green" c="green.9" variant="light" role="status">
          {done}
        </Alert>
      )}
      <Moves
        appointment={appointment}
        zone={zone}
        providerNames={providerNames}
        onDone={(next) => setDone(t("appointment.done", { status: statusLabel(next.status) }))}
      />
      <Divider />
      <AppointmentMessages appointmentId={appointment.id} zone={zone} headingOrder={3} />
    </Stack>
  );
}

function Moves({
  appointment,
  zone,
  providerNames,
  onDone,
}: {
  appointment: Appointment;
  zone: string;
  providerNames: Record<string, string>;
  onDone: (next: Appointment) => void;
}) {
  const { t } = useTranslation(["desk", "common"]);
  const moves = allowedMoves(appointment);
  const checkIn = useCommand("post", PATHS["check-in"]);
  const complete = useCommand("post", PATHS.complete);
  const noShow = useCommand("post", PATHS["no-show"]);
  const cancel = useCommand("post", "/v1/appointments/{appointment_id}/cancel");
  const reschedule = useCommand("post", "/v1/appointments/{appointment_id}/reschedule");
  const [open, setOpen] = useState<"cancel" | "reschedule" | null>(null);
  const [reason, setReason] = useState("");
  const [day, setDay] = useState(() => today(zone));
  const [slot, setSlot] = useState<string | null>(null);
  const path = { appointment_id: appointment.id };
  const simple = { "check-in": checkIn, complete, "no-show": noShow } as const;
  const busy = [checkIn, complete, noShow, cancel, reschedule].some((c) => c.isPending);

  const run = async (move: keyof typeof simple) => {
    [checkIn, complete, noShow].forEach((c) => c !== simple[move] && c.reset());
    try {
      onDone(await simple[move].mutateAsync({ params: { path } }));
    } catch {
      // shown next to the buttons
    }
  };
  const doCancel = async () => {
    try {
      onDone(await cancel.mutateAsync({ params: { path }, body: { reason: reason.trim() || null } }));
      setOpen(null);
    } catch {
      // shown next to the reason, which stays as typed
    }
  };
  const doReschedule = async (startsAt: string, providerId?: string) => {
    try {
      onDone(
        await reschedule.mutateAsync({
          params: { path },
          body: { starts_at: startsAt, provider_id: providerId ?? appointment.provider_id },
        }),
      );
      setOpen(null);
      setSlot(null);
    } catch {
      // a clash is explained below with its alternatives
    }
  };

  if (moves.length === 0) {
    return <Text c="gray.7">{t("appointment.noMoves")}</Text>;
  }
  const label: Record<Move, string> = {
    "check-in": t("appointment.checkIn"),
    complete: t("appointment.complete"),
    "no-show": t("appointment.noShow"),
    cancel: t("appointment.cancel"),
    reschedule: t("appointment.reschedule"),
  };
  const simpleError = checkIn.error ?? complete.error ?? noShow.error;
  return (
    <Stack gap="sm">
      <Group gap="xs">
        {moves.map((move) =>
          move === "cancel" || move === "reschedule" ? (
            <Button
              key={move}
              variant={open === move ? "filled" : "outline"}
              color={move === "cancel" ? "red.9" : "blue.8"}
              aria-expanded={open === move}
              disabled={busy}
              onClick={() => setOpen(open === move ? null : move)}
            >
              {label[move]}
            </Button>
          ) : (
            <Button
              key={move}
              color={move === "no-show" ? "red.9" : "teal.9"}
              variant={move === "no-show" ? "outline" : "filled"}
              loading={simple[move].isPending}
              disabled={busy && !simple[move].isPending}
              onClick={() => void run(move)}
            >
              {label[move]}
            </Button>
          ),
        )}
      </Group>
      <ProblemAlert error={simpleError} />
      {open === "cancel" && (
        <Stack gap="xs">
          <Textarea
            label={t("appointment.reason")}
            styles={readable}
            description={t("appointment.reasonHint")}
            value={reason}
            maxLength={500}
            autosize
            minRows={2}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
          <ProblemAlert error={cancel.error} />
          <Group gap="xs">
            <Button color="red" loading={cancel.isPending} onClick={() => void doCancel()}>
              {t("appointment.confirmCancel")}
            </Button>
            <Button variant="default" onClick={() => setOpen(null)}>
              {t("appointment.keep")}
            </Button>
          </Group>
        </Stack>
      )}
      {open === "reschedule" && (
        <Stack gap="xs">
          <TextInput
            type="date"
            label={t("appointment.rescheduleDay")}
            value={day}
            min={today(zone)}
            onChange={(event) => {
              const next = event.currentTarget.value;
              if (isDay(next)) {
                setDay(next);
                setSlot(null);
              }
            }}
          />
          <SlotPicker
            clinicId={appointment.clinic_id}
            typeId={appointment.type_id}
            providerId={appointment.provider_id}
            day={day}
            zone={zone}
            value={slot}
            onChange={setSlot}
            label={t("appointment.rescheduleSlot")}
          />
          <ClashAlert
            error={reschedule.error}
            zone={zone}
            providerNames={providerNames}
            busy={reschedule.isPending}
            onPick={(alt) =>
              void doReschedule(
                alt.starts_at,
                alt.provider_ids.includes(appointment.provider_id) ? appointment.provider_id : alt.provider_ids[0],
              )
            }
          />
          <Group gap="xs">
            <Button disabled={!slot} loading={reschedule.isPending} onClick={() => slot && void doReschedule(slot)}>
              {t("appointment.rescheduleConfirm")}
            </Button>
            <Button variant="default" onClick={() => setOpen(null)}>
              {t("common:actions.cancel")}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

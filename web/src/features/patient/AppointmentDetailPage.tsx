/**
 * /appointments/:id: the visit, and (until the clinic's cutoff) moving it to another time with
 * the same slot picker, or cancelling it with a reason.
 */
import { Alert, Anchor, Button, Group, Loader, Modal, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";

import { useCommand } from "../../api/commands";
import { $api } from "../../api/query";
import { AlternativeTimes } from "../../components/booking/AlternativeTimes";
import { AppointmentStatusBadge } from "../../components/booking/AppointmentStatusBadge";
import { BookingProblem, useBookingProblemMessage } from "../../components/booking/BookingProblem";
import { alternativesOf, isSlug } from "../../components/booking/problems";
import { ProviderChoice } from "../../components/booking/ProviderChoice";
import { providerName } from "../../components/booking/providerNames";
import { SlotPicker } from "../../components/booking/SlotPicker";
import { ANY } from "../../components/booking/useSlots";
import { ZoneNote } from "../../components/booking/ZoneNote";
import { applyFieldErrors } from "../../components/formErrors";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatDateTime, formatTime, localDay } from "../../lib/format";
import { type Appointment, changeable, type Clinic, cutoffOf, useClinic, useTypes } from "./data";

export function AppointmentDetailPage() {
  const { t } = useTranslation("patient");
  const { id = "" } = useParams();
  const justBooked = (useLocation().state as { booked?: boolean } | null)?.booked;
  const query = $api.useQuery("get", "/v1/appointments/{appointment_id}", {
    params: { path: { appointment_id: id } },
  });
  const clinic = useClinic(query.data?.clinic_id);

  return (
    <Page title={t("detail.title")}>
      {justBooked && query.data?.status === "booked" && (
        <Alert color="teal" variant="light" title={t("detail.bookedTitle")}>
          <Text size="sm">{t("detail.bookedText")}</Text>
        </Alert>
      )}
      {query.isPending ? (
        <Loader role="status" aria-label={t("picker.loading")} />
      ) : query.error ? (
        <ProblemAlert error={query.error} />
      ) : (
        <Detail appointment={query.data} clinic={clinic.data} />
      )}
      <Anchor component={Link} to="/appointments" c="teal.9">
        {t("detail.backToList")}
      </Anchor>
    </Page>
  );
}

function Detail({ appointment, clinic }: { appointment: Appointment; clinic: Clinic | undefined }) {
  const { t, i18n } = useTranslation("patient");
  const language = i18n.language;
  const zone = appointment.time_zone;
  const types = useTypes(appointment.clinic_id);
  const type = types.data?.items.find((candidate) => candidate.id === appointment.type_id);
  const provider = providerName(appointment.provider_id);
  const [mode, setMode] = useState<"view" | "reschedule">("view");
  const [cancelling, setCancelling] = useState(false);
  const [moved, setMoved] = useState(false);

  const cutoff = cutoffOf(appointment, clinic);
  const now = Date.now();
  const upcoming = new Date(appointment.starts_at).getTime() > now;
  const canChange = changeable(appointment) && upcoming;
  const beforeCutoff = cutoff !== null && cutoff.getTime() > now;
  const hours = clinic?.booking_policy.cancellation_cutoff_hours ?? 0;

  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <Stack gap="xs">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Title order={2} size="h3">
              {formatDate(appointment.starts_at, zone, language)}
            </Title>
            <AppointmentStatusBadge status={appointment.status} />
          </Group>
          <Text fw={700} size="lg" data-testid="appointment-time">
            {formatTime(appointment.starts_at, zone, language)} – {formatTime(appointment.ends_at, zone, language)}
          </Text>
          <ZoneNote zone={zone} />
          <Text>{type?.name ?? t("detail.unknownType")}</Text>
          {provider && <Text>{t("detail.with", { name: provider })}</Text>}
          <Text>{clinic?.name}</Text>
          {clinic?.address && <Text size="sm">{clinic.address}</Text>}
          {clinic?.phone && (
            <Anchor href={`tel:${clinic.phone}`} size="sm" c="teal.9">
              {clinic.phone}
            </Anchor>
          )}
          {appointment.status === "cancelled" && appointment.cancel_reason && (
            <Text size="sm" c="gray.7">
              {t("detail.cancelReason", { reason: appointment.cancel_reason })}
            </Text>
          )}
          {appointment.needs_reschedule && (
            <Alert color="orange" variant="light" title={t("detail.needsRescheduleTitle")}>
              <Text size="sm" c="orange.9">
                {t("detail.needsReschedule")}
              </Text>
            </Alert>
          )}
        </Stack>
      </Paper>

      {moved && mode === "view" && (
        <Alert color="teal" variant="light" role="status">
          <Text size="sm">{t("reschedule.done")}</Text>
        </Alert>
      )}

      {canChange && clinic && (
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t("detail.changeTitle")}
          </Title>
          {beforeCutoff ? (
            <Text size="sm" data-testid="cutoff-note">
              {t("detail.cutoffBefore", {
                hours,
                until: formatDateTime(cutoff!, zone, language),
              })}
            </Text>
          ) : (
            <Alert color="orange" variant="light" data-testid="cutoff-note" title={t("detail.pastCutoffTitle")}>
              <Text size="sm" c="orange.9">
                {clinic.phone
                  ? t("detail.pastCutoffPhone", { hours, phone: clinic.phone })
                  : t("detail.pastCutoff", { hours })}
              </Text>
            </Alert>
          )}
          {beforeCutoff && mode === "view" && (
            <Group>
              {appointment.status === "booked" && (
                <Button size="md" variant="default" onClick={() => setMode("reschedule")}>
                  {t("reschedule.start")}
                </Button>
              )}
              <Button size="md" color="red.9" variant="outline" onClick={() => setCancelling(true)}>
                {t("cancel.start")}
              </Button>
            </Group>
          )}
          {beforeCutoff && mode === "reschedule" && (
            <Reschedule
              appointment={appointment}
              clinic={clinic}
              onDone={() => {
                setMoved(true);
                setMode("view");
              }}
              onClose={() => setMode("view")}
            />
          )}
        </Stack>
      )}
      <CancelDialog appointment={appointment} opened={cancelling} onClose={() => setCancelling(false)} />
    </Stack>
  );
}

function Reschedule({
  appointment,
  clinic,
  onDone,
  onClose,
}: {
  appointment: Appointment;
  clinic: Clinic;
  onDone: () => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation("patient");
  const language = i18n.language;
  const zone = clinic.time_zone;
  const [provider, setProvider] = useState<string>(ANY);
  const [day, setDay] = useState<string | null>(null);
  const [chosen, setChosen] = useState<{ starts_at: string; provider: string } | null>(null);
  const move = useCommand("post", "/v1/appointments/{appointment_id}/reschedule");
  const message = useBookingProblemMessage();

  const submit = async () => {
    if (!chosen) {
      return;
    }
    try {
      await move.mutateAsync({
        params: { path: { appointment_id: appointment.id } },
        body: { starts_at: chosen.starts_at, provider_id: chosen.provider === ANY ? null : chosen.provider },
      });
      onDone();
    } catch {
      // shown below, with the old time kept
    }
  };

  const failure = move.error ? (
    <Alert color="red" role="alert" title={t("reschedule.failedTitle")} variant="light">
      <Stack gap="xs">
        <Text size="sm">
          {message(move.error)}{" "}
          {t("reschedule.kept", {
            when: `${formatDate(appointment.starts_at, zone, language)}, ${formatTime(appointment.starts_at, zone, language)}`,
          })}
        </Text>
        {isSlug(move.error, "slot-taken", "slot-unavailable") && (
          <AlternativeTimes
            alternatives={alternativesOf(move.error)}
            zone={zone}
            onPick={(alternative) => {
              move.reset();
              setDay(localDay(alternative.starts_at, zone));
              setChosen({ starts_at: alternative.starts_at, provider });
            }}
          />
        )}
      </Stack>
    </Alert>
  ) : null;

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="md">
        <Title order={3} size="h5">
          {t("reschedule.title")}
        </Title>
        {chosen ? (
          <Stack gap="sm">
            <Text>
              {t("reschedule.confirmText", {
                from: `${formatDate(appointment.starts_at, zone, language)}, ${formatTime(appointment.starts_at, zone, language)}`,
                to: `${formatDate(chosen.starts_at, zone, language)}, ${formatTime(chosen.starts_at, zone, language)}`,
              })}
            </Text>
            {failure}
            <Group>
              <Button size="md" color="teal.9" onClick={() => void submit()} loading={move.isPending}>
                {t("reschedule.confirm")}
              </Button>
              <Button
                size="md"
                variant="default"
                onClick={() => {
                  move.reset();
                  setChosen(null);
                }}
              >
                {t("reschedule.otherTime")}
              </Button>
            </Group>
          </Stack>
        ) : (
          <>
            <ProviderChoice
              clinicId={clinic.id}
              zone={zone}
              typeId={appointment.type_id}
              value={provider}
              onChange={setProvider}
            />
            <SlotPicker
              clinicId={clinic.id}
              zone={zone}
              typeId={appointment.type_id}
              providerId={provider}
              day={day}
              onDayChange={setDay}
              excludeStart={appointment.starts_at}
              onPick={(slot) => setChosen({ starts_at: slot.starts_at, provider })}
              headingOrder={3}
            />
          </>
        )}
        <Button variant="subtle" onClick={onClose} style={{ alignSelf: "flex-start" }}>
          {t("reschedule.keep")}
        </Button>
      </Stack>
    </Paper>
  );
}

function CancelDialog({ appointment, opened, onClose }: { appointment: Appointment; opened: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation("patient");
  const cancel = useCommand("post", "/v1/appointments/{appointment_id}/cancel");
  const form = useForm({ mode: "uncontrolled", initialValues: { reason: "" } });
  const zone = appointment.time_zone;

  useEffect(() => {
    if (!opened) {
      cancel.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  const submit = form.onSubmit(async ({ reason }) => {
    try {
      await cancel.mutateAsync({
        params: { path: { appointment_id: appointment.id } },
        body: { reason: reason.trim() || null },
      });
      onClose();
    } catch (error) {
      applyFieldErrors(form, error);
    }
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t("cancel.title")}
      centered
      closeButtonProps={{ "aria-label": t("actions.close", { ns: "common" }) }}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            {t("cancel.question", {
              when: `${formatDate(appointment.starts_at, zone, i18n.language)}, ${formatTime(appointment.starts_at, zone, i18n.language)}`,
            })}
          </Text>
          <Textarea
            label={t("cancel.reason")}
            description={t("cancel.reasonHint")}
            // Mantine's dimmed grey is below AA contrast on white
            styles={{ description: { color: "var(--mantine-color-gray-7)" } }}
            minRows={3}
            maxLength={500}
            key={form.key("reason")}
            {...form.getInputProps("reason")}
          />
          <BookingProblem error={cancel.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel.keep")}
            </Button>
            <Button type="submit" color="red.9" loading={cancel.isPending}>
              {t("cancel.confirm")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

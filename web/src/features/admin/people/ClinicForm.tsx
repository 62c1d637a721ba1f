/**
 * A clinic's settings in one form: details, time zone, weekly opening hours and booking policy.
 * Without a clinic it creates one. A refusal's field errors land next to their fields.
 */
import { ActionIcon, Alert, Button, Checkbox, Fieldset, Group, NumberInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { readable } from "../../desk/readable";
import type { Clinic } from "./access";
import { formPath, type HoursForm, hoursForm, periodsOf, WEEKDAYS } from "./hours";
import { TimeZoneSelect } from "./TimeZoneSelect";

const DEFAULT_POLICY = { min_notice_minutes: 60, max_advance_days: 90, cancellation_cutoff_hours: 24, patient_self_booking: true };
const whole = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value >= 0;

interface Values {
  name: string;
  time_zone: string;
  address: string;
  phone: string;
  hours: HoursForm;
  booking_policy: { min_notice_minutes: number | string; max_advance_days: number | string; cancellation_cutoff_hours: number | string; patient_self_booking: boolean };
}

export function ClinicForm({ clinic, onSaved, onCancel }: { clinic: Clinic | null; onSaved: (clinic: Clinic) => void; onCancel?: () => void }) {
  const { t } = useTranslation(["adminPeople", "common"]);
  const create = useCommand("post", "/v1/clinics");
  const update = useCommand("patch", "/v1/clinics/{clinic_id}");
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<Values>({
    initialValues: {
      name: clinic?.name ?? "",
      time_zone: clinic?.time_zone ?? "",
      address: clinic?.address ?? "",
      phone: clinic?.phone ?? "",
      hours: hoursForm(clinic?.opening_hours ?? []),
      booking_policy: { ...(clinic?.booking_policy ?? DEFAULT_POLICY) },
    },
    validate: {
      name: (value) => (value.trim() ? null : t("clinic.nameRequired")),
      time_zone: (value) => (value ? null : t("clinic.zoneRequired")),
      hours: Object.fromEntries(
        WEEKDAYS.map((day) => [
          day,
          {
            closes: (value: string, values: Values, path: string) => {
              const index = Number(path.split(".")[2]);
              const opens = values.hours[day][index]?.opens ?? "";
              return opens && value && value > opens ? null : t("hours.closesAfter");
            },
          },
        ]),
      ) as never,
      booking_policy: {
        min_notice_minutes: (value) => (whole(value) ? null : t("policy.wholeNumber")),
        max_advance_days: (value) => (whole(value) && Number(value) >= 1 ? null : t("policy.wholeNumber")),
        cancellation_cutoff_hours: (value) => (whole(value) ? null : t("policy.wholeNumber")),
      },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setProblem(null);
    setSaved(false);
    const { periods, paths } = periodsOf(values.hours);
    const body = {
      name: values.name.trim(),
      time_zone: values.time_zone,
      address: values.address.trim() || null,
      phone: values.phone.trim() || null,
      opening_hours: periods,
      booking_policy: {
        min_notice_minutes: Number(values.booking_policy.min_notice_minutes),
        max_advance_days: Number(values.booking_policy.max_advance_days),
        cancellation_cutoff_hours: Number(values.booking_policy.cancellation_cutoff_hours),
        patient_self_booking: values.booking_policy.patient_self_booking,
      },
    };
    try {
      const result = clinic
        ? await update.mutateAsync({ params: { path: { clinic_id: clinic.id } }, body })
        : await create.mutateAsync({ body });
      setSaved(true);
      form.resetDirty();
      onSaved(result);
    } catch (error) {
      if (isProblem(error)) {
        form.setErrors(Object.fromEntries(Object.entries(error.fieldErrors()).map(([field, message]) => [formPath(field, paths), message])));
      }
      setProblem(error);
    }
  });

  const hoursError = form.errors.opening_hours;
  return (
    <form onSubmit={submit} noValidate aria-label={clinic ? t("clinic.settingsOf", { name: clinic.name }) : t("clinic.newTitle")}>
      <Stack gap="lg">
        <Fieldset legend={<Title order={2} size="h4">{t("clinic.details")}</Title>} variant="unstyled">
          <Stack gap="sm" maw={520}>
            <TextInput label={t("clinic.name")} required autoComplete="off" {...form.getInputProps("name")} />
            <TimeZoneSelect
              label={t("clinic.timeZone")}
              description={t("clinic.timeZoneHint")}
              styles={readable}
              required
              {...form.getInputProps("time_zone")}
            />
            <TextInput label={t("clinic.address")} autoComplete="off" {...form.getInputProps("address")} />
            <TextInput label={t("clinic.phone")} type="tel" autoComplete="off" description={t("clinic.phoneHint")} styles={readable} {...form.getInputProps("phone")} />
          </Stack>
        </Fieldset>

        <Fieldset legend={<Title order={2} size="h4">{t("hours.title")}</Title>} variant="unstyled">
          <Stack gap="xs">
            <Text size="sm" c="gray.7">{t("hours.hint")}</Text>
            {WEEKDAYS.map((day) => (
              <Group key={day} align="flex-start" gap="sm" wrap="wrap" role="group" aria-label={t(`days.${day}`)}>
                <Text fw={600} w={110} pt={6}>{t(`days.${day}`)}</Text>
                <Stack gap={6} style={{ flex: 1, minWidth: 220 }}>
                  {form.values.hours[day].length === 0 && <Text c="gray.7" pt={6}>{t("hours.closed")}</Text>}
                  {form.values.hours[day].map((_, index) => (
                    <Group key={index} gap="xs" align="flex-start" wrap="wrap">
                      <TextInput type="time" w={130} aria-label={t("hours.opensOn", { day: t(`days.${day}`) })} {...form.getInputProps(`hours.${day}.${index}.opens`)} />
                      <Text pt={6} aria-hidden>–</Text>
                      <TextInput type="time" w={130} aria-label={t("hours.closesOn", { day: t(`days.${day}`) })} {...form.getInputProps(`hours.${day}.${index}.closes`)} />
                      <ActionIcon
                        variant="default"
                        size="lg"
                        mt={2}
                        aria-label={t("hours.remove", { day: t(`days.${day}`) })}
                        onClick={() => form.removeListItem(`hours.${day}`, index)}
                      >
                        ×
                      </ActionIcon>
                    </Group>
                  ))}
                  <Group>
                    <Button
                      variant="default"
                      size="compact-sm"
                      onClick={() => {
                        const last = form.values.hours[day].at(-1);
                        form.insertListItem(`hours.${day}`, last ? { opens: last.closes, closes: last.closes < "17:00" ? "17:00" : "20:00" } : { opens: "08:00", closes: "17:00" });
                      }}
                    >
                      {t("hours.add", { day: t(`days.${day}`) })}
                    </Button>
                  </Group>
                </Stack>
              </Group>
            ))}
            {hoursError && <Text c="red.8" size="sm" role="alert">{hoursError}</Text>}
          </Stack>
        </Fieldset>

        <Fieldset legend={<Title order={2} size="h4">{t("policy.title")}</Title>} variant="unstyled">
          <Stack gap="sm" maw={520}>
            <NumberInput label={t("policy.notice")} description={t("policy.noticeHint")} styles={readable} min={0} allowDecimal={false} allowNegative={false} {...form.getInputProps("booking_policy.min_notice_minutes")} />
            <NumberInput label={t("policy.horizon")} description={t("policy.horizonHint")} styles={readable} min={1} allowDecimal={false} allowNegative={false} {...form.getInputProps("booking_policy.max_advance_days")} />
            <NumberInput label={t("policy.cutoff")} description={t("policy.cutoffHint")} styles={readable} min={0} allowDecimal={false} allowNegative={false} {...form.getInputProps("booking_policy.cancellation_cutoff_hours")} />
            <Checkbox label={t("policy.selfBooking")} description={t("policy.selfBookingHint")} styles={readable} {...form.getInputProps("booking_policy.patient_self_booking", { type: "checkbox" })} />
          </Stack>
        </Fieldset>

        {problem ? <ProblemAlert error={problem} /> : null}
        {saved && !form.isDirty() && (
          <Alert color="green" c="green.9" variant="light" role="status">
            {clinic ? t("clinic.saved") : t("clinic.created")}
          </Alert>
        )}
        <Group gap="xs">
          <Button type="submit" loading={create.isPending || update.isPending}>
            {clinic ? t("clinic.save") : t("clinic.create")}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              {t("common:actions.cancel")}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

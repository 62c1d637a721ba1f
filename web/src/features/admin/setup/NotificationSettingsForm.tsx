/** How a clinic's patients are messaged: provider, channel, SMS fallback, reminders, quiet hours. */
import { Alert, Button, Checkbox, Group, Loader, NativeSelect, SimpleGrid, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { showFieldErrors } from "./fieldErrors";

type Settings = components["schemas"]["NotificationSettingsRead"];

interface Values {
  provider: string;
  channel: string;
  fallback_to_sms: boolean;
  reminder_offsets: string;
  quiet: boolean;
  quiet_from: string;
  quiet_until: string;
}

function initial(settings: Settings): Values {
  return {
    provider: settings.provider ?? "",
    channel: settings.channel,
    fallback_to_sms: settings.fallback_to_sms,
    reminder_offsets: settings.reminder_offsets.join(", "),
    quiet: settings.quiet_from !== null,
    quiet_from: settings.quiet_from ?? "21:00",
    quiet_until: settings.quiet_until ?? "07:00",
  };
}

function body(values: Values): components["schemas"]["NotificationSettings"] {
  return {
    provider: (values.provider || null) as Settings["provider"],
    channel: values.channel as Settings["channel"],
    fallback_to_sms: values.fallback_to_sms,
    reminder_offsets: values.reminder_offsets
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(Number),
    quiet_from: values.quiet ? values.quiet_from : null,
    quiet_until: values.quiet ? values.quiet_until : null,
  };
}

function SettingsForm({ clinicId, settings }: { clinicId: string; settings: Settings }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const form = useForm<Values>({
    initialValues: initial(settings),
    validate: {
      reminder_offsets: (value) =>
        value.split(/[\s,;]+/).filter(Boolean).every((n) => /^\d+$/.test(n)) && value.trim() ? null : t("settings.offsetsInvalid"),
    },
  });
  const save = useCommand("put", "/v1/clinics/{clinic_id}/notification-settings");
  const [unplaced, setUnplaced] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);

  const submit = form.onSubmit(async (values) => {
    setSaved(false);
    setUnplaced([]);
    try {
      await save.mutateAsync({ params: { path: { clinic_id: clinicId } }, body: body(values) });
      setSaved(true);
    } catch (error) {
      showFieldErrors(form, error);
      // A rule about several fields together (quiet hours: both or neither) names no one field.
      if (isProblem(error)) {
        setUnplaced((error.body.errors ?? []).filter((e) => e.field === "body").map((e) => e.message));
      }
    }
  });
  const landed = Object.keys(form.errors).length > 0 || unplaced.length > 0;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label={t("settings.provider")}
            data={[
              { value: "", label: t("settings.providers.default") },
              { value: "twilio", label: "Twilio" },
              { value: "africastalking", label: "Africa's Talking" },
              { value: "log", label: t("settings.providers.log") },
            ]}
            {...form.getInputProps("provider")}
          />
          <NativeSelect
            label={t("settings.channel")}
            description={t("settings.channelHint")}
            data={[
              { value: "sms", label: t("settings.channels.sms") },
              { value: "whatsapp", label: t("settings.channels.whatsapp") },
            ]}
            {...form.getInputProps("channel")}
          />
        </SimpleGrid>
        <Checkbox label={t("settings.fallback")} {...form.getInputProps("fallback_to_sms", { type: "checkbox" })} />
        <TextInput label={t("settings.offsets")} description={t("settings.offsetsHint")} {...form.getInputProps("reminder_offsets")} />
        <Checkbox label={t("settings.quiet")} {...form.getInputProps("quiet", { type: "checkbox" })} />
        {form.values.quiet && (
          <SimpleGrid cols={{ base: 2 }}>
            <TextInput type="time" label={t("settings.quietFrom")} {...form.getInputProps("quiet_from")} />
            <TextInput type="time" label={t("settings.quietUntil")} {...form.getInputProps("quiet_until")} />
          </SimpleGrid>
        )}
        {unplaced.length > 0 && (
          <Alert color="red" role="alert" variant="light" title={t("common:errors.title")}>
            {unplaced.join(" ")}
          </Alert>
        )}
        <ProblemAlert error={landed ? null : save.problem} />
        {saved && (
          <Alert color="green" role="status" variant="light">
            {t("settings.saved")}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {t("settings.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NotificationSettingsForm({ clinicId }: { clinicId: string }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const query = $api.useQuery("get", "/v1/clinics/{clinic_id}/notification-settings", {
    params: { path: { clinic_id: clinicId } },
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="settings-heading">
      <Title order={2} size="h3" id="settings-heading">
        {t("settings.title")}
      </Title>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {query.data && <SettingsForm key={clinicId} clinicId={clinicId} settings={query.data} />}
    </Stack>
  );
}

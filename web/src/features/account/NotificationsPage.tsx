/** How the clinic messages the patient: channel, reminders, or nothing at all. */
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Radio, Stack, Switch, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useCommand } from "../../api/commands";
import { isProblem } from "../../api/problem";
import { $api } from "../../api/query";
import type { components } from "../../api/schema";
import { Page } from "../../components/Page";
import { notify } from "./notify";
import { ProblemAlert } from "../../components/ProblemAlert";
import { deviceZone, formatDateTime } from "../../lib/format";

type Preferences = components["schemas"]["PreferencesRead"];
const CLINIC_DEFAULT = "clinic";

/** Notify learns of a new account from identity's events: until then it answers 404. */
function isNotYet(error: unknown): boolean {
  return isProblem(error) && error.status === 404;
}

export function NotificationsPage() {
  const { t } = useTranslation(["account", "common"]);
  const prefs = $api.useQuery("get", "/v1/me/notification-preferences", {}, {
    // Right after sign-up notify may not know the new account yet: it says so with a 404.
    retry: (count, error: unknown) => count < 5 && isProblem(error) && (error.status === 404 || error.status >= 500 || error.isNetwork),
    retryDelay: 2000,
  });
  return (
    <Page title={t("notifications.title")}>
      <Text maw={560}>{t("notifications.intro")}</Text>
      {prefs.isPending && <Loader role="status" aria-label={t("common:app.loading")} />}
      {prefs.isError && (
        <Stack maw={560} gap="xs">
          {isNotYet(prefs.error) ? (
            <Alert color="orange" variant="light" role="alert">
              {t("notifications.notYet")}
            </Alert>
          ) : (
            <ProblemAlert error={prefs.error} />
          )}
          <Group>
            <Button variant="light" onClick={() => void prefs.refetch()}>
              {t("common:actions.retry")}
            </Button>
          </Group>
        </Stack>
      )}
      {prefs.data && (
        <>
          <ChoicesForm prefs={prefs.data} />
          <OptOut prefs={prefs.data} />
        </>
      )}
    </Page>
  );
}

function ChoicesForm({ prefs }: { prefs: Preferences }) {
  const { t } = useTranslation(["account", "common"]);
  const update = useCommand("patch", "/v1/me/notification-preferences");
  const initial = { channel: prefs.preferred_channel ?? CLINIC_DEFAULT, reminders: prefs.reminders };
  const form = useForm({ initialValues: initial });
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    form.setInitialValues({ channel: prefs.preferred_channel ?? CLINIC_DEFAULT, reminders: prefs.reminders });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prefs.preferred_channel, prefs.reminders]);

  const channel = form.values.channel;
  const unconsented =
    (channel === "sms" && !prefs.consent.sms) || (channel === "whatsapp" && !prefs.consent.whatsapp);

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    try {
      const saved = await update.mutateAsync({
        body: {
          preferred_channel: values.channel === CLINIC_DEFAULT ? null : (values.channel as "sms" | "whatsapp"),
          reminders: values.reminders,
        },
      });
      const next = { channel: saved.preferred_channel ?? CLINIC_DEFAULT, reminders: saved.reminders };
      form.setValues(next);
      form.resetDirty(next);
      notify(t("notifications.saved"));
    } catch (error) {
      setFailure(error);
    }
  });

  return (
    <Paper withBorder p="md" maw={560} component="section" aria-labelledby="prefs-choices">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4" id="prefs-choices">
            {t("notifications.choicesTitle")}
          </Title>
          <Radio.Group label={t("notifications.channel")} description={t("notifications.channelHint")} {...form.getInputProps("channel")}>
            <Stack gap={4} mt={6}>
              {[CLINIC_DEFAULT, "sms", "whatsapp"].map((value) => (
                <Radio
                  key={value}
                  value={value}
                  label={t(`notifications.channels.${value as "clinic" | "sms" | "whatsapp"}`)}
                  styles={{ body: { minHeight: 40, alignItems: "center" } }}
                />
              ))}
            </Stack>
          </Radio.Group>
          {unconsented && (
            <Alert color="orange" variant="light">
              <Text size="sm">
                {t("notifications.noConsent")}{" "}
                <Anchor component={Link} to="/account" size="sm" fw={600}>
                  {t("notifications.toProfile")}
                </Anchor>
              </Text>
            </Alert>
          )}
          <Switch
            label={t("notifications.reminders")}
            description={t("notifications.remindersHint")}
            styles={{ body: { minHeight: 40, alignItems: "center" } }}
            {...form.getInputProps("reminders", { type: "checkbox" })}
          />
          <ProblemAlert error={failure} />
          <Group>
            <Button type="submit" loading={update.isPending}>
              {t("common:actions.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function OptOut({ prefs }: { prefs: Preferences }) {
  const { t, i18n } = useTranslation(["account", "common"]);
  const update = useCommand("patch", "/v1/me/notification-preferences");
  const zone = deviceZone(); // an opt-out belongs to no clinic: the device's own clock

  const toggle = async () => {
    try {
      await update.mutateAsync({ body: { opted_out: !prefs.opted_out } });
      notify(t(prefs.opted_out ? "notifications.optedBackIn" : "notifications.optedOutDone"));
    } catch {
      // shown below, next to the button
    }
  };

  return (
    <Paper withBorder p="md" maw={560} component="section" aria-labelledby="prefs-optout">
      <Stack>
        <Group justify="space-between" gap="xs">
          <Title order={2} size="h4" id="prefs-optout">
            {t("notifications.optOutTitle")}
          </Title>
          <Badge color={prefs.opted_out ? "red.9" : "teal.9"} variant="filled">
            {t(prefs.opted_out ? "notifications.stateOff" : "notifications.stateOn")}
          </Badge>
        </Group>
        {prefs.opted_out ? (
          <Text size="sm">
            {prefs.opted_out_at
              ? t("notifications.optedOutSince", { when: formatDateTime(prefs.opted_out_at, zone, i18n.language) })
              : t("notifications.optedOut")}{" "}
            {t("notifications.optInExplain")}
          </Text>
        ) : (
          <Text size="sm">{t("notifications.optOutExplain")}</Text>
        )}
        <ProblemAlert error={update.error} />
        <Group>
          <Button
            variant={prefs.opted_out ? "filled" : "outline"}
            color={prefs.opted_out ? "teal.9" : "red.9"}
            loading={update.isPending}
            onClick={() => void toggle()}
          >
            {t(prefs.opted_out ? "notifications.optIn" : "notifications.optOut")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

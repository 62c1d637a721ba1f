/**
 * "Keep <clinic> available offline on this device": on copies the clinic's working set to the
 * device (with its progress); off deletes it, after a warning when changes made here have not
 * reached the server yet.
 */
import { Button, Card, Group, Loader, Modal, Progress, Stack, Switch, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ProblemAlert } from "../../components/ProblemAlert";
import { disableOffline, enableOffline, hasUnsynced, useOfflineState } from "../../offline";
import { readable } from "./readable";
import type { Clinic } from "./useDeskClinic";

export function OfflineSwitch({ clinic, clinics }: { clinic: Clinic; clinics: Clinic[] }) {
  const { t } = useTranslation(["desk", "common"]);
  const state = useOfflineState();
  const [busy, setBusy] = useState<"on" | "off" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const here = state.enabled && state.clinicId === clinic.id;
  const elsewhere = state.enabled && !here;
  const other = clinics.find((c) => c.id === state.clinicId);

  const run = async (direction: "on" | "off", action: () => Promise<void>) => {
    setBusy(direction);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };
  const turnOff = async (confirmed: boolean) => {
    if (!confirmed && (await hasUnsynced().catch(() => false))) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    await run("off", disableOffline);
  };
  const toggle = (on: boolean) => void (on ? run("on", () => enableOffline(clinic.id)) : turnOff(false));

  return (
    <Card withBorder padding="sm" radius="md" component="section" aria-label={t("offline.title")}>
      <Stack gap="xs">
        <Switch
          checked={here || busy === "on"}
          disabled={busy !== null || elsewhere}
          onChange={(event) => toggle(event.currentTarget.checked)}
          label={t("offline.switch", { clinic: clinic.name })}
          description={t("offline.explain")}
          styles={{ ...readable, label: { fontWeight: 600 } }}
          color="teal.9"
        />
        {busy === "on" && (
          <Stack gap={4} role="status">
            <Group gap="xs">
              <Loader size="xs" aria-hidden />
              <Text size="sm">{t("offline.preparing", { clinic: clinic.name })}</Text>
            </Group>
            {state.progress && state.progress.total > 0 && (
              <Progress
                value={(100 * state.progress.done) / state.progress.total}
                aria-label={t("offline.progress")}
                color="teal.8"
              />
            )}
          </Stack>
        )}
        {here && busy === null && (
          <Text size="sm" c="teal.9" role="status">
            {t("offline.ready", { clinic: clinic.name })}
          </Text>
        )}
        {elsewhere && (
          <Text size="sm" fw={600}>
            {other ? t("offline.otherClinic", { clinic: other.name }) : t("offline.otherClinicUnknown")}
          </Text>
        )}
        <ProblemAlert error={error} />
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("offline.offTitle")} centered>
        <Stack gap="md">
          <Text>{state.pending ? t("offline.offUnsynced", { count: state.pending }) : t("offline.offUnsyncedUnknown")}</Text>
          <Group gap="xs" justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              {t("offline.keepOn")}
            </Button>
            <Button color="red.9" onClick={() => void turnOff(true)}>
              {t("offline.offConfirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

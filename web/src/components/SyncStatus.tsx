/**
 * Offline mode's state where staff always see it: in the header, a short word (offline, what
 * waits, syncing), opening the details (last sync, progress, "Sync now", the sync page); the
 * same details on the sync page. Changes are announced politely to screen readers.
 */
import { Anchor, Button, Popover, Progress, Stack, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { deviceZone, formatDateTime, formatTime, localDay } from "../lib/format";
import { type OfflineState, syncNow, useOfflineState } from "../offline/gate";
import { problemMessage } from "./ProblemAlert";

export const SYNC_PAGE = "/desk/sync";

/** When something happened, on this device's clock: the time alone if today. */
function when(iso: string, language: string): string {
  const zone = deviceZone();
  return localDay(iso, zone) === localDay(new Date(), zone) ? formatTime(iso, zone, language) : formatDateTime(iso, zone, language);
}

/** One sentence for screen readers; progress counts are left out so they do not chatter. */
function useAnnouncement(state: OfflineState): string {
  const { t } = useTranslation();
  const parts = [state.online ? t("sync.online") : t("sync.offline")];
  parts.push(state.syncing ? t("sync.syncing") : state.pending ? t("sync.waiting", { count: state.pending }) : t("sync.upToDate"));
  if (state.openConflicts) {
    parts.push(t("sync.conflicts", { count: state.openConflicts }));
  }
  return parts.join(". ");
}

/** What the header's button says: the most pressing of offline, syncing, waiting, synced. */
function shortLabel(state: OfflineState, t: TFunction<"common">): string {
  if (!state.online) {
    return state.pending ? `${t("sync.offline")} · ${state.pending}` : t("sync.offline");
  }
  if (state.syncing) {
    return t("sync.syncing");
  }
  return state.pending ? t("sync.short", { count: state.pending }) : t("sync.synced");
}

export function SyncDetails({ state, onOpenPage }: { state: OfflineState; onOpenPage?: () => void }) {
  const { t, i18n } = useTranslation();
  const { offlineUntil } = useAuth();
  const [asked, setAsked] = useState(false);
  const language = i18n.language;
  const sync = () => {
    setAsked(true);
    void syncNow()
      .catch(() => undefined) // the state's lastError says what went wrong
      .finally(() => setAsked(false));
  };
  return (
    <Stack gap={6}>
      <Text size="sm" fw={700}>
        {state.online ? t("sync.online") : t("sync.offline")}
      </Text>
      <Text size="sm">{state.pending ? t("sync.waiting", { count: state.pending }) : t("sync.upToDate")}</Text>
      {state.progress && (
        <Stack gap={2}>
          <Text size="sm">{t("sync.progress", state.progress)}</Text>
          <Progress
            value={state.progress.total ? (100 * state.progress.done) / state.progress.total : 0}
            aria-label={t("sync.progress", state.progress)}
            color="teal.8"
          />
        </Stack>
      )}
      <Text size="sm" c="gray.7">
        {state.lastPullAt ? t("sync.lastSync", { time: when(state.lastPullAt, language) }) : t("sync.never")}
      </Text>
      {state.openConflicts > 0 && (
        <Text size="sm" fw={700}>
          {t("sync.conflicts", { count: state.openConflicts })}
        </Text>
      )}
      {state.waitingForSignIn && (
        <Text size="sm" fw={600}>
          {t("sync.waitingForSignIn")}
        </Text>
      )}
      {offlineUntil && (
        <Text size="sm" c="gray.7">
          {t("sync.sessionUntil", { time: when(offlineUntil, language) })}
        </Text>
      )}
      {!!state.lastError && (
        <Text size="sm" c="red.9">
          {t("sync.failed", { reason: problemMessage(state.lastError, t as never) })}
        </Text>
      )}
      <Button size="sm" onClick={sync} loading={state.syncing || asked} disabled={!state.online}>
        {t("sync.now")}
      </Button>
      {onOpenPage && (
        <Anchor component={Link} to={SYNC_PAGE} size="sm" onClick={onOpenPage}>
          {t("sync.open")}
        </Anchor>
      )}
    </Stack>
  );
}

/** The header's part: nothing unless this device keeps a clinic offline. */
export function SyncStatus() {
  const { t } = useTranslation();
  const state = useOfflineState();
  const announcement = useAnnouncement(state);
  const [opened, setOpened] = useState(false);
  if (!state.enabled) {
    return null;
  }
  const color = !state.online ? "gray" : state.pending || state.openConflicts ? "orange" : "teal";
  return (
    <>
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={280} shadow="md" trapFocus withArrow>
        <Popover.Target>
          <Button
            size="xs"
            px={8}
            variant="light"
            color={color}
            c="dark.8"
            onClick={() => setOpened((o) => !o)}
            aria-expanded={opened}
            aria-haspopup="dialog"
          >
            <VisuallyHidden>{t("sync.status")}: </VisuallyHidden>
            {shortLabel(state, t)}
          </Button>
        </Popover.Target>
        <Popover.Dropdown aria-label={t("sync.status")}>
          <SyncDetails state={state} onOpenPage={() => setOpened(false)} />
        </Popover.Dropdown>
      </Popover>
      <VisuallyHidden role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </VisuallyHidden>
    </>
  );
}

/**
 * The clinic's conflict inbox: visits made offline (on any of its devices) whose time was taken
 * meanwhile. For each, staff book one of the free times nearby, put the patient on the
 * waitlist, or cancel (the patient is messaged). A time taken again answers new alternatives.
 */
import { Alert, Button, Card, Group, Loader, Stack, Text, Textarea, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { isProblem } from "../../api/problem";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatShortDate, formatTime } from "../../lib/format";
import { type Alternative, type Conflict, listConflicts, resolveConflict, type ResolveBody, useOfflineState } from "../../offline";
import { readable } from "./readable";

export const conflictKeys = {
  open: (clinicId: string) => ["sync", "conflicts", clinicId, "open"] as const,
};

export function ConflictInbox({
  clinicId,
  zone,
  providerNames,
  typeNames,
}: {
  clinicId: string;
  zone: string;
  providerNames: Record<string, string>;
  typeNames: Record<string, string>;
}) {
  const { t } = useTranslation(["desk", "common"]);
  const state = useOfflineState();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const query = useQuery({
    queryKey: conflictKeys.open(clinicId),
    queryFn: () => listConflicts(clinicId, "open"),
    refetchInterval: 30_000,
  });
  // A sync may have brought new conflicts (this device's or another's): look again after it.
  const { refetch } = query;
  useEffect(() => {
    void refetch();
  }, [state.openConflicts, state.lastPullAt, refetch]);

  const onResolved = (message: string) => {
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: conflictKeys.open(clinicId) });
    // The day view and the drawer show the new visit (on a device in offline mode once the
    // pull that resolveConflict starts has brought it).
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "sync" });
  };
  const conflicts = query.data ?? [];
  return (
    <Stack gap="sm">
      <Text size="sm" style={readable.description}>
        {t("sync.inboxHint")}
      </Text>
      {notice && (
        <Alert color="teal" c="teal.9" variant="light" role="status">
          {notice}
        </Alert>
      )}
      {query.isLoading ? (
        <Loader role="status" size="sm" aria-label={t("common:app.loading")} />
      ) : query.error ? (
        <ProblemAlert error={query.error} />
      ) : conflicts.length === 0 ? (
        <Text>{t("sync.noConflicts")}</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
          {conflicts.map((conflict) => (
            <ConflictCard
              key={conflict.id}
              conflict={conflict}
              zone={zone}
              providerNames={providerNames}
              typeNames={typeNames}
              onResolved={onResolved}
            />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function ConflictCard({
  conflict,
  zone,
  providerNames,
  typeNames,
  onResolved,
}: {
  conflict: Conflict;
  zone: string;
  providerNames: Record<string, string>;
  typeNames: Record<string, string>;
  onResolved: (message: string) => void;
}) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const language = i18n.language;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState("");
  const [alternatives, setAlternatives] = useState<Alternative[]>(conflict.alternatives);
  const patient = conflict.patient_name ?? t("sync.somePatient");
  const today = formatShortDate(new Date(), zone, language);
  const at = (iso: string) => {
    const day = formatShortDate(iso, zone, language);
    return day === today ? formatTime(iso, zone, language) : `${day} ${formatTime(iso, zone, language)}`;
  };
  const label = (alt: Alternative) => {
    const names = alt.provider_ids.map((id) => providerNames[id]).filter(Boolean);
    return names.length === 1 ? t("sync.withProvider", { time: at(alt.starts_at), provider: names[0] }) : at(alt.starts_at);
  };
  const wanted = conflict.starts_at
    ? conflict.provider_id && providerNames[conflict.provider_id]
      ? t("sync.withProvider", { time: at(conflict.starts_at), provider: providerNames[conflict.provider_id] })
      : at(conflict.starts_at)
    : null;

  const resolve = async (body: ResolveBody, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await resolveConflict(conflict.id, body);
      onResolved(message);
    } catch (failure) {
      setError(failure);
      // Taken again: the server offers the times free now.
      if (isProblem(failure) && Array.isArray(failure.body.alternatives)) {
        setAlternatives(failure.body.alternatives as Alternative[]);
      }
    } finally {
      setBusy(false);
    }
  };
  const book = (alt: Alternative) => {
    const provider = conflict.provider_id && alt.provider_ids.includes(conflict.provider_id) ? conflict.provider_id : alt.provider_ids[0];
    void resolve(
      { action: "book", starts_at: alt.starts_at, ...(provider ? { provider_id: provider } : {}) },
      t("sync.resolvedBook", { patient, time: label(alt) }),
    );
  };
  const headingId = `conflict-${conflict.id}`;
  const takenAgain = isProblem(error) && error.status === 409 && Array.isArray(error.body.alternatives);
  return (
    <Card component="li" withBorder padding="sm" radius="md" aria-labelledby={headingId}>
      <Stack gap="xs">
        <Title order={3} size="h5" id={headingId}>
          {patient}
          {conflict.type_id && typeNames[conflict.type_id] ? ` · ${typeNames[conflict.type_id]}` : ""}
        </Title>
        {wanted && <Text size="sm">{t("sync.wanted", { time: wanted })}</Text>}
        {conflict.problem?.detail && (
          <Text size="sm">
            {conflict.problem.detail}
          </Text>
        )}
        <Text size="sm" style={readable.description}>
          {t("sync.recordedOffline", { time: formatDateTime(conflict.recorded_at, zone, language) })}
        </Text>
        <Text size="sm" fw={600}>
          {alternatives.length ? t("sync.alternatives") : t("sync.noAlternatives")}
        </Text>
        {alternatives.length > 0 && (
          <Group gap="xs">
            {alternatives.map((alt) => (
              <Button key={`${alt.starts_at}-${alt.provider_ids.join()}`} size="sm" variant="light" color="teal" c="teal.9" disabled={busy} onClick={() => book(alt)}>
                {t("sync.book", { time: label(alt) })}
              </Button>
            ))}
          </Group>
        )}
        {takenAgain ? (
          <Alert color="orange" c="dark.8" variant="light" role="alert">
            {t("sync.taken")}
          </Alert>
        ) : (
          <ProblemAlert error={error} />
        )}
        <Group gap="xs">
          <Button
            size="sm"
            variant="outline"
            color="blue.8"
            disabled={busy}
            onClick={() => void resolve({ action: "waitlist" }, t("sync.resolvedWaitlist", { patient }))}
          >
            {t("sync.waitlist")}
          </Button>
          <Button size="sm" variant={cancelling ? "filled" : "outline"} color="red.9" disabled={busy} aria-expanded={cancelling} onClick={() => setCancelling(!cancelling)}>
            {t("sync.cancel")}
          </Button>
        </Group>
        {cancelling && (
          <Stack gap="xs">
            <Textarea
              label={t("sync.reason")}
              description={t("sync.reasonHint")}
              styles={readable}
              value={reason}
              maxLength={500}
              rows={2}
              onChange={(event) => setReason(event.currentTarget.value)}
            />
            <Group gap="xs">
              <Button
                color="red.9"
                loading={busy}
                onClick={() =>
                  void resolve({ action: "cancel", ...(reason.trim() ? { reason: reason.trim() } : {}) }, t("sync.resolvedCancel", { patient }))
                }
              >
                {t("sync.confirmCancel")}
              </Button>
              <Button variant="default" onClick={() => setCancelling(false)}>
                {t("sync.back")}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

/**
 * The messages about one appointment: confirmation, reminders and notices, with their channel,
 * status (and why one failed) and times in the clinic's zone. Shown in the front desk's
 * appointment drawer and the provider's day.
 */
import { Alert, Group, List, Loader, Stack, Text, Title, type TitleOrder } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime } from "../../lib/format";
import { StatusBadge, type Tone, toneText } from "./StatusBadge";

export type Notification = components["schemas"]["NotificationRead"];
type Status = Notification["status"];

const TONES: Record<Status, Tone> = {
  scheduled: "blue",
  sending: "blue",
  sent: "teal",
  delivered: "green",
  failed: "red",
  undelivered: "orange",
  cancelled: "gray",
  skipped: "gray",
};

/** Still on its way: the list is looked at again until it has gone one way or the other. */
export function isPending(message: Notification): boolean {
  return message.status === "scheduled" || message.status === "sending";
}

const KNOWN_REASONS = ["no_phone", "opted_out", "no_consent", "reminders_off", "unknown_patient", "unknown_clinic", "unknown_outcome"] as const;
type KnownReason = (typeof KNOWN_REASONS)[number];

/** Planned order: confirmation first, then the reminders as they fall. */
export function byDue(a: Notification, b: Notification): number {
  return a.due_at.localeCompare(b.due_at) || a.id.localeCompare(b.id);
}

const POLL_MS = 5_000;

export function AppointmentMessages({
  appointmentId,
  zone,
  headingOrder = 3,
}: {
  appointmentId: string;
  zone: string;
  /** The heading's level where the list is placed (3 inside a drawer titled with an h2). */
  headingOrder?: TitleOrder;
}) {
  const { t, i18n } = useTranslation("clinic");
  const query = $api.useQuery(
    "get",
    "/v1/notifications",
    { params: { query: { appointment_id: appointmentId, limit: 50 } } },
    {
      // A new booking's confirmation arrives within seconds; a pending message settles soon.
      refetchInterval: (q) => {
        const items = q.state.data?.items;
        return !items || items.length === 0 || items.some(isPending) ? POLL_MS : false;
      },
    },
  );
  const language = i18n.language;
  const when = (value: string) => formatDateTime(value, zone, language);
  const items = [...(query.data?.items ?? [])].sort(byDue);
  const headingId = `messages-${appointmentId}`;

  const reason = (message: Notification): string | null => {
    if (message.status !== "failed" && message.status !== "undelivered") {
      return null;
    }
    const code = message.error_code;
    if (code && (KNOWN_REASONS as readonly string[]).includes(code)) {
      return t(`messages.reason.${code as KnownReason}`);
    }
    return message.error_detail || code || t("messages.reason.unknown");
  };

  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={headingOrder} size="h4" id={headingId}>
        {t("messages.title")}
      </Title>
      {query.isPending && <Loader role="status" size="sm" aria-label={t("messages.loading")} />}
      <ProblemAlert error={query.error} />
      {query.isSuccess && items.length === 0 && (
        <Text c="gray.7" size="sm">
          {t("messages.none")}
        </Text>
      )}
      {items.length > 0 && (
        <List listStyleType="none" spacing="sm" styles={{ itemWrapper: { width: "100%" }, itemLabel: { width: "100%" } }}>
          {items.map((message) => {
            const why = reason(message);
            return (
              <List.Item key={message.id} data-testid="appointment-message">
                <Stack gap={2}>
                  <Group gap="xs" justify="space-between" wrap="wrap">
                    <Text fw={600}>{t(`messages.kind.${message.kind}`)}</Text>
                    <StatusBadge tone={TONES[message.status]}>{t(`messages.status.${message.status}`)}</StatusBadge>
                  </Group>
                  <Text size="sm">
                    {message.channel ? t(`messages.channel.${message.channel}`) : t("messages.channel.none")}
                    {message.to ? ` · ${message.to}` : ""}
                  </Text>
                  <Text size="sm" c="gray.7">
                    {message.sent_at
                      ? t("messages.sentAt", { time: when(message.sent_at) })
                      : t("messages.dueAt", { time: when(message.due_at) })}
                    {message.status === "scheduled" && message.next_attempt_at && message.attempts > 0
                      ? ` · ${t("messages.nextAttempt", { time: when(message.next_attempt_at) })}`
                      : ""}
                    {message.attempts > 1 ? ` · ${t("messages.attempts", { count: message.attempts })}` : ""}
                  </Text>
                  {why && (
                    <Alert color="red" variant="light" p="xs" title={null}>
                      <Text size="sm" style={{ color: toneText("red") }}>
                        {t("messages.why", { reason: why })}
                      </Text>
                    </Alert>
                  )}
                </Stack>
              </List.Item>
            );
          })}
        </List>
      )}
    </Stack>
  );
}

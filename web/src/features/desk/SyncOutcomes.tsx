/**
 * The changes made on this device, in the order they were made, each with what the server made
 * of it: waiting, done, a conflict (resolved in the inbox), refused (the server's reason), or not
 * sent because an earlier change it needs did not go through (which one).
 */
import { Anchor, Badge, Card, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { ProblemBody } from "../../api/problem";
import { formatDateTime, formatShortDate, formatTime } from "../../lib/format";
import type { MutationView } from "../../offline";
import { readable } from "./readable";

type Outcome = MutationView["status"];
const COLOR: Record<Outcome, string> = {
  pending: "gray",
  applied: "green",
  conflict: "orange",
  rejected: "red",
  blocked: "yellow",
};
const KINDS = ["register_patient", "book", "reschedule", "cancel", "check_in", "complete", "no_show"] as const;
type Kind = (typeof KINDS)[number];
const isKind = (kind: string): kind is Kind => (KINDS as readonly string[]).includes(kind);

export function OutcomeBadge({ status }: { status: Outcome }) {
  const { t } = useTranslation("desk");
  const color = COLOR[status];
  return (
    // Tinted, with near-black words: the light tints' own dark shades fall below 4.5:1.
    <Badge variant="light" color={color} c="dark.8" radius="sm" style={{ textTransform: "none" }}>
      {t(`sync.outcome.${status}`)}
    </Badge>
  );
}

/** "Book Amina Wanjiku", "Register Baraka", …: the change in the desk's words. */
export function useChangeLabel() {
  const { t } = useTranslation("desk");
  return (mutation: MutationView) => {
    const patient = mutation.summary.patientName ?? t("sync.somePatient");
    return isKind(mutation.kind) ? t(`sync.kind.${mutation.kind}`, { patient }) : t("sync.kind.other", { patient });
  };
}

function problemOf(mutation: MutationView): ProblemBody | null {
  return mutation.problem && typeof mutation.problem === "object" ? (mutation.problem as ProblemBody) : null;
}

export function SyncOutcomes({ mutations, zone, inboxId }: { mutations: MutationView[]; zone: string; inboxId: string }) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const label = useChangeLabel();
  const language = i18n.language;
  const byId = new Map(mutations.map((m) => [m.id, m]));
  const at = (iso: string) => `${formatShortDate(iso, zone, language)} ${formatTime(iso, zone, language)}`;

  if (mutations.length === 0) {
    return <Text c="gray.7">{t("sync.noChanges")}</Text>;
  }
  return (
    <Stack component="ol" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
      {[...mutations]
        .sort((a, b) => a.seq - b.seq)
        .map((mutation) => {
          const problem = problemOf(mutation);
          const blocker = mutation.blockedBy ? byId.get(mutation.blockedBy) : undefined;
          return (
            <Card key={mutation.id} component="li" withBorder padding="sm" radius="md" data-outcome={mutation.status}>
              <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
                <Stack gap={2} style={{ minWidth: 0, flex: "1 1 220px" }}>
                  <Text fw={600}>{label(mutation)}</Text>
                  {mutation.summary.startsAt && <Text size="sm">{t("sync.at", { time: at(mutation.summary.startsAt) })}</Text>}
                  <Text size="sm" style={readable.description}>
                    {t("sync.recorded", { time: formatDateTime(mutation.recordedAt, zone, language) })}
                  </Text>
                </Stack>
                <OutcomeBadge status={mutation.status} />
              </Group>
              {mutation.status === "rejected" && problem && (
                <Text size="sm" c="red.9" mt={4}>
                  {[problem.title, problem.detail].filter(Boolean).join(": ")}
                </Text>
              )}
              {mutation.status === "blocked" && (
                <Text size="sm" mt={4}>
                  {blocker ? t("sync.blockedBy", { change: label(blocker) }) : t("sync.blockedUnknown")}
                </Text>
              )}
              {mutation.status === "conflict" && (
                <Text size="sm" mt={4}>
                  {problem?.detail ?? t("sync.conflictHint")}{" "}
                  <Anchor href={`#${inboxId}`} size="sm" underline="always">
                    {t("sync.toInbox")}
                  </Anchor>
                </Text>
              )}
            </Card>
          );
        })}
    </Stack>
  );
}

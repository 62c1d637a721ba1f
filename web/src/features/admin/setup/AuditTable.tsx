/** One page of audit entries, newest first, with who did what where and the outcome in words. */
import { Code, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { components } from "../../../api/schema";
import { formatDateTime } from "../../../lib/format";
import { PersonName } from "../../clinic/PersonName";
import { StateBadge } from "./StateBadge";

type AuditEvent = components["schemas"]["AuditEventRead"];

export function AuditTable({ events, zone, clinicNames }: { events: AuditEvent[]; zone: string; clinicNames: Map<string, string> }) {
  const { t, i18n } = useTranslation("adminSetup");
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("audit.when")}</Table.Th>
            <Table.Th>{t("audit.who")}</Table.Th>
            <Table.Th>{t("audit.action")}</Table.Th>
            <Table.Th>{t("audit.outcome")}</Table.Th>
            <Table.Th>{t("clinic.label")}</Table.Th>
            <Table.Th>{t("audit.details")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.seq}>
              <Table.Td>
                <Text size="sm">{formatDateTime(event.occurred_at, zone, i18n.language)}</Text>
                <Text size="xs" c="gray.7">
                  #{event.seq}
                </Text>
              </Table.Td>
              <Table.Td>
                {event.actor_id ? <PersonName id={event.actor_id} fallback={t("audit.someone")} /> : t("audit.system")}
              </Table.Td>
              <Table.Td>
                <Code>{event.action}</Code>
              </Table.Td>
              <Table.Td>
                <StateBadge color={event.outcome === "success" ? "green" : "red"}>
                  {t(`audit.outcomes.${event.outcome}`, { defaultValue: event.outcome })}
                </StateBadge>
              </Table.Td>
              <Table.Td>{event.clinic_id ? (clinicNames.get(event.clinic_id) ?? "—") : t("audit.organisation")}</Table.Td>
              <Table.Td>
                <Text size="xs" style={{ wordBreak: "break-word" }}>
                  {Object.keys(event.details).length > 0 ? JSON.stringify(event.details) : "—"}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

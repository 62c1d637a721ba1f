/** A clinic's appointment types: what patients and the desk can book, and how long it takes. */
import { Button, Group, Loader, Modal, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { $api } from "../../../api/query";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { type AppointmentType, TypeForm } from "./TypeForm";
import { StateBadge } from "./StateBadge";

export function AppointmentTypes({ clinicId }: { clinicId: string }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const query = $api.useQuery("get", "/v1/appointment-types", { params: { query: { clinic_id: clinicId, limit: 200 } } });
  const [editing, setEditing] = useState<AppointmentType | "new" | null>(null);
  const types = query.data?.items ?? [];

  return (
    <Stack gap="sm" component="section" aria-labelledby="types-heading">
      <Group justify="space-between">
        <Title order={2} size="h3" id="types-heading">
          {t("types.title")}
        </Title>
        <Button onClick={() => setEditing("new")}>{t("types.new")}</Button>
      </Group>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {query.isSuccess && types.length === 0 && <Text>{t("types.none")}</Text>}
      {types.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("types.name")}</Table.Th>
                <Table.Th>{t("types.length")}</Table.Th>
                <Table.Th>{t("types.booking")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("types.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {types.map((type) => (
                <Table.Tr key={type.id}>
                  <Table.Td>
                    <Text fw={600}>{type.name}</Text>
                    {type.specialties && type.specialties.length > 0 && (
                      <Text size="sm" c="gray.7">
                        {type.specialties.join(", ")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {t("types.summary", {
                      duration: type.duration_minutes,
                      before: type.buffer_before_minutes,
                      after: type.buffer_after_minutes,
                      step: type.step_minutes,
                    })}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <StateBadge color={type.active ? "green" : "gray"}>
                        {type.active ? t("types.isActive") : t("types.isInactive")}
                      </StateBadge>
                      <StateBadge color={type.online_bookable ? "blue" : "gray"}>
                        {type.online_bookable ? t("types.online") : t("types.deskOnly")}
                      </StateBadge>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Button variant="subtle" size="compact-sm" onClick={() => setEditing(type)} aria-label={t("types.editNamed", { name: type.name })}>
                      {t("types.edit")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("types.new") : t("types.editTitle")}
        size="lg"
        closeButtonProps={{ "aria-label": t("common:actions.close") }}
      >
        {editing !== null && (
          <TypeForm clinicId={clinicId} type={editing === "new" ? null : editing} onDone={() => setEditing(null)} />
        )}
      </Modal>
    </Stack>
  );
}

/** A clinic's rooms: named, renamed, taken out of use (types that need a room reserve one). */
import { Button, Group, Loader, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { showFieldErrors } from "./fieldErrors";
import { StateBadge } from "./StateBadge";

type Room = components["schemas"]["RoomRead"];

function NewRoom({ clinicId }: { clinicId: string }) {
  const { t } = useTranslation("adminSetup");
  const form = useForm({ initialValues: { name: "" }, validate: { name: (v) => (v.trim() ? null : t("rooms.nameRequired")) } });
  const create = useCommand("post", "/v1/rooms");
  const submit = form.onSubmit(async ({ name }) => {
    try {
      await create.mutateAsync({ body: { clinic_id: clinicId, name: name.trim() } });
      form.reset();
    } catch (error) {
      showFieldErrors(form, error);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Group align="flex-end">
        <TextInput label={t("rooms.newName")} {...form.getInputProps("name")} style={{ flexGrow: 1 }} />
        <Button type="submit" loading={create.isPending}>
          {t("rooms.add")}
        </Button>
      </Group>
      <ProblemAlert error={form.errors.name ? null : create.problem} />
    </form>
  );
}

function RoomRow({ room }: { room: Room }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const [name, setName] = useState<string | null>(null);
  const update = useCommand("patch", "/v1/rooms/{room_id}");
  const problem = isProblem(update.error) ? update.error : null;
  const nameError = problem?.fieldErrors().name;
  const change = (body: { name?: string; active?: boolean }) =>
    update.mutate({ params: { path: { room_id: room.id } }, body }, { onSuccess: () => setName(null) });
  return (
    <Table.Tr>
      <Table.Td>
        {name === null ? (
          <Text fw={600}>{room.name}</Text>
        ) : (
          <TextInput
            label={t("rooms.renameLabel", { name: room.name })}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={nameError}
          />
        )}
        <ProblemAlert error={nameError ? null : problem} />
      </Table.Td>
      <Table.Td>
        <StateBadge color={room.active ? "green" : "gray"}>
          {room.active ? t("rooms.inUse") : t("rooms.outOfUse")}
        </StateBadge>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          {name === null ? (
            <Button variant="subtle" size="compact-sm" onClick={() => setName(room.name)} aria-label={t("rooms.renameNamed", { name: room.name })}>
              {t("rooms.rename")}
            </Button>
          ) : (
            <Button size="compact-sm" loading={update.isPending} onClick={() => change({ name: name.trim() })}>
              {t("common:actions.save")}
            </Button>
          )}
          <Button
            variant="subtle"
            size="compact-sm"
            color={room.active ? "red" : undefined}
            c={room.active ? "red.9" : undefined}
            onClick={() => change({ active: !room.active })}
            aria-label={t(room.active ? "rooms.deactivateNamed" : "rooms.reactivateNamed", { name: room.name })}
          >
            {room.active ? t("rooms.deactivate") : t("rooms.reactivate")}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export function Rooms({ clinicId }: { clinicId: string }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const query = $api.useQuery("get", "/v1/rooms", { params: { query: { clinic_id: clinicId, limit: 200 } } });
  const rooms = query.data?.items ?? [];
  return (
    <Stack gap="sm" component="section" aria-labelledby="rooms-heading">
      <Title order={2} size="h3" id="rooms-heading">
        {t("rooms.title")}
      </Title>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {query.isSuccess && rooms.length === 0 && <Text>{t("rooms.none")}</Text>}
      {rooms.length > 0 && (
        <Table.ScrollContainer minWidth={420}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("rooms.name")}</Table.Th>
                <Table.Th>{t("rooms.status")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("rooms.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rooms.map((room) => (
                <RoomRow key={room.id} room={room} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewRoom clinicId={clinicId} />
    </Stack>
  );
}

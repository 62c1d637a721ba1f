/** A clinic's minimum staffed hours per role and weekday, sent whole (PUT replaces them). */
import { Button, Group, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SOLID } from "../../clinic/StatusBadge";
import { SHIFT_ROLES, type ShiftRole } from "./staff";
import { type Weekday, WEEKDAYS } from "./week";

type Minimum = components["schemas"]["Minimum-Output"];
const cell = (role: ShiftRole, day: Weekday) => `${role}.${day}`;

export function MinimumsForm({ clinicId, minimums }: { clinicId: string; minimums: Minimum[] }) {
  const { t } = useTranslation(["adminShifts", "common"]);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(minimums.map((m) => [cell(m.role, m.day), String(m.hours)])),
  );
  const save = useCommand("put", "/v1/clinics/{clinic_id}/coverage/minimums");
  const [sent, setSent] = useState<string[]>([]);
  // A 422 names `minimums.N.hours`: the Nth cell sent.
  const errors: Record<string, string> = {};
  if (isProblem(save.error)) {
    for (const [field, message] of Object.entries(save.error.fieldErrors())) {
      const match = /^minimums\.(\d+)/.exec(field);
      const key = match ? sent[Number(match[1])] : undefined;
      if (key) errors[key] = message;
    }
  }
  const bad = (value: string) => value !== "" && !(Number(value) >= 0 && Number(value) <= 24 * 7);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (Object.values(values).some(bad)) return;
    const filled = SHIFT_ROLES.flatMap((role) => WEEKDAYS.map((day) => ({ role, day, hours: values[cell(role, day)] ?? "" }))).filter(
      (m) => m.hours !== "" && Number(m.hours) > 0,
    );
    setSent(filled.map((m) => cell(m.role, m.day)));
    try {
      await save.mutateAsync({ params: { path: { clinic_id: clinicId } }, body: { minimums: filled.map((m) => ({ ...m, hours: Number(m.hours) })) } });
      notifications.show({ color: "teal", closeButtonProps: { "aria-label": t("common:actions.close") }, message: t("coverage.minimumsSaved") });
    } catch {
      // shown next to the cells, or under the table
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="minimums-title">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={2} size="h3" id="minimums-title">
            {t("coverage.minimumsTitle")}
          </Title>
          <Text size="sm" c="gray.7">
            {t("coverage.minimumsHint")}
          </Text>
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("role")}</Table.Th>
                  {WEEKDAYS.map((day) => (
                    <Table.Th scope="col" key={day}>
                      {t(`days.short.${day}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {SHIFT_ROLES.map((role) => (
                  <Table.Tr key={role}>
                    <Table.Th scope="row">{t(`roles.${role}`)}</Table.Th>
                    {WEEKDAYS.map((day) => {
                      const key = cell(role, day);
                      const value = values[key] ?? "";
                      return (
                        <Table.Td key={day}>
                          <TextInput
                            type="number"
                            min={0}
                            step={0.5}
                            inputMode="decimal"
                            aria-label={t("coverage.minimumFor", { role: t(`roles.${role}`), day: t(`days.long.${day}`) })}
                            value={value}
                            onChange={(e) => setValues({ ...values, [key]: e.currentTarget.value })}
                            error={errors[key] ?? (bad(value) ? t("coverage.badHours") : undefined)}
                            w={72}
                          />
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <ProblemAlert error={Object.keys(errors).length ? null : save.error} />
          <Group>
            <Button type="submit" {...SOLID.teal} loading={save.isPending}>
              {t("coverage.saveMinimums")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

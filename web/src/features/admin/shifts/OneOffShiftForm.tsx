/** Add a one-off shift, outside any template; an end at or before the start is the next morning. */
import { Button, Group, NativeSelect, Paper, Stack, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SOLID } from "../../clinic/StatusBadge";
import { addDays, isDay, zonedInstant } from "../../provider/days";
import type { Clinic, ShiftRole, Staff } from "./staff";
import { isClock, toMinutes } from "./week";

export function OneOffShiftForm({ clinic, staff, rolesOf, day }: { clinic: Clinic; staff: Staff[]; rolesOf: (p: Staff) => ShiftRole[]; day: string }) {
  const { t } = useTranslation(["adminShifts", "common"]);
  const workers = staff.filter((p) => rolesOf(p).length > 0);
  const [staffId, setStaffId] = useState("");
  const person = workers.find((p) => p.id === staffId) ?? workers[0];
  const [role, setRole] = useState<ShiftRole | "">("");
  const roles = person ? rolesOf(person) : [];
  const chosenRole = roles.includes(role as ShiftRole) ? (role as ShiftRole) : roles[0];
  const [date, setDate] = useState(day);
  const [starts, setStarts] = useState("08:00");
  const [ends, setEnds] = useState("17:00");
  const create = useCommand("post", "/v1/shifts");
  const fields = isProblem(create.error) ? create.error.fieldErrors() : {};

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!person || !chosenRole || !isDay(date) || !isClock(starts) || !isClock(ends)) return;
    const endDay = toMinutes(ends) <= toMinutes(starts) ? addDays(date, 1) : date;
    try {
      await create.mutateAsync({
        body: {
          clinic_id: clinic.id,
          staff_id: person.id,
          role: chosenRole,
          starts_at: zonedInstant(date, starts, clinic.time_zone),
          ends_at: zonedInstant(endDay, ends, clinic.time_zone),
        },
      });
    } catch {
      // shown under the form
    }
  };

  if (workers.length === 0) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="one-off-title">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={2} size="h3" id="one-off-title">
            {t("roster.addTitle")}
          </Title>
          <Group align="flex-start" wrap="wrap">
            <NativeSelect label={t("staffMember")} value={person?.id ?? ""} onChange={(e) => setStaffId(e.currentTarget.value)} data={workers.map((p) => ({ value: p.id, label: p.full_name }))} />
            <NativeSelect label={t("role")} value={chosenRole ?? ""} onChange={(e) => setRole(e.currentTarget.value as ShiftRole)} data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
            <TextInput type="date" label={t("roster.date")} required value={date} onChange={(e) => setDate(e.currentTarget.value)} error={isDay(date) ? undefined : t("roster.dateNeeded")} />
            <TextInput type="time" step={900} label={t("templates.starts")} required value={starts} onChange={(e) => setStarts(e.currentTarget.value)} error={fields.starts_at} />
            <TextInput type="time" step={900} label={t("templates.ends")} required value={ends} onChange={(e) => setEnds(e.currentTarget.value)} error={fields.ends_at} />
          </Group>
          <ProblemAlert error={Object.keys(fields).length ? null : create.error} />
          <Group>
            <Button type="submit" {...SOLID.teal} loading={create.isPending}>
              {t("roster.add")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

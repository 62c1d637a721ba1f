/** A roster shift's admin actions: give it to a qualified colleague, swap it, or cancel it. */
import { Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SOLID } from "../../clinic/StatusBadge";
import type { Staff, ShiftRole } from "./staff";

export type RosterShift = components["schemas"]["RosterShift"];
type Action = "cover" | "swap" | "cancel";

export function ShiftActions({
  shift,
  label,
  colleagues,
  others,
  describe,
}: {
  shift: RosterShift;
  label: string;
  colleagues: Staff[];
  others: RosterShift[];
  describe: (shift: RosterShift) => string;
}) {
  const { t } = useTranslation(["adminShifts", "common"]);
  const [action, setAction] = useState<Action | null>(null);
  const [choice, setChoice] = useState("");
  const [note, setNote] = useState("");
  const cover = useCommand("post", "/v1/shifts/{shift_id}/reassign");
  const swap = useCommand("post", "/v1/shifts/{shift_id}/swap");
  const cancel = useCommand("post", "/v1/shifts/{shift_id}/cancel");
  const command = action === "cover" ? cover : action === "swap" ? swap : cancel;

  const open = (next: Action) => {
    [cover, swap, cancel].forEach((c) => c.reset());
    setChoice(next === "cover" ? (colleagues[0]?.id ?? "") : next === "swap" ? (others[0]?.id ?? "") : "");
    setNote("");
    setAction(next);
  };
  const confirm = async () => {
    const path = { params: { path: { shift_id: shift.id } } };
    const text = note.trim() || null;
    try {
      if (action === "cover") await cover.mutateAsync({ ...path, body: { staff_id: choice, note: text } });
      if (action === "swap") await swap.mutateAsync({ ...path, body: { shift_id: choice, note: text } });
      if (action === "cancel") await cancel.mutateAsync({ ...path, body: { note: text } });
      setAction(null);
    } catch {
      // shown in the dialog, next to the choice that failed
    }
  };

  const options =
    action === "cover"
      ? colleagues.map((p) => ({ value: p.id, label: p.full_name }))
      : others.map((s) => ({ value: s.id, label: describe(s) }));
  return (
    <>
      <Group gap={4} wrap="wrap">
        <Button size="xs" variant="default" onClick={() => open("cover")} disabled={colleagues.length === 0} aria-label={t("roster.coverFor", { shift: label })}>
          {t("roster.cover")}
        </Button>
        <Button size="xs" variant="default" onClick={() => open("swap")} disabled={others.length === 0} aria-label={t("roster.swapFor", { shift: label })}>
          {t("roster.swap")}
        </Button>
        <Button size="xs" variant="subtle" color="red" c="red.9" onClick={() => open("cancel")} aria-label={t("roster.cancelFor", { shift: label })}>
          {t("roster.cancel")}
        </Button>
      </Group>
      <Modal opened={!!action} onClose={() => setAction(null)} title={action ? t(`roster.${action}Title`) : ""} closeButtonProps={{ "aria-label": t("common:actions.close") }}>
        <Stack>
          <Text>{label}</Text>
          {action !== "cancel" && (
            <NativeSelect
              label={action === "cover" ? t("roster.coverWho") : t("roster.swapWith")}
              description={action === "cover" ? t("roster.coverHint", { role: t(`roles.${shift.role as ShiftRole}`) }) : undefined}
              styles={{ description: { color: "var(--mantine-color-gray-7)" } }}
              value={choice}
              onChange={(e) => setChoice(e.currentTarget.value)}
              data={options}
            />
          )}
          <TextInput label={t("roster.note")} value={note} maxLength={500} onChange={(e) => setNote(e.currentTarget.value)} />
          <ProblemAlert error={command.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAction(null)}>
              {t("common:actions.cancel")}
            </Button>
            <Button {...(action === "cancel" ? SOLID.red : SOLID.teal)} loading={command.isPending} onClick={() => void confirm()} disabled={action !== "cancel" && !choice}>
              {action ? t(`roster.${action}Confirm`) : ""}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

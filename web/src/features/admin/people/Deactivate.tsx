/** Deactivating an account, after saying what it does: no more sign-ins, sessions end soon. */
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { ProblemAlert } from "../../../components/ProblemAlert";
import type { Person } from "./access";

export function DeactivateButton({ person, onDone }: { person: Person; onDone: (message: string) => void }) {
  const { t } = useTranslation(["adminPeople", "common"]);
  const [open, setOpen] = useState(false);
  const deactivate = useCommand("post", "/v1/users/{user_id}/deactivate");
  const confirm = async () => {
    try {
      await deactivate.mutateAsync({ params: { path: { user_id: person.id } } });
      setOpen(false);
      onDone(t("people.deactivated", { name: person.full_name }));
    } catch {
      // shown in the dialog
    }
  };
  return (
    <>
      <Button variant="outline" color="red.8" onClick={() => { deactivate.reset(); setOpen(true); }} aria-label={t("people.deactivateNamed", { name: person.full_name })}>
        {t("people.deactivate")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("people.confirmTitle", { name: person.full_name })} closeButtonProps={{ "aria-label": t("common:actions.close") }} centered>
        <Stack gap="sm">
          <Text>{t("people.confirmText")}</Text>
          {deactivate.problem && <ProblemAlert error={deactivate.problem} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setOpen(false)}>{t("common:actions.cancel")}</Button>
            <Button color="red.8" loading={deactivate.isPending} onClick={() => void confirm()}>
              {t("people.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

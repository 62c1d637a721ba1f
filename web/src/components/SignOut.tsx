/**
 * Signing out: a device with changes that never reached the server says so first, since signing
 * out wipes the device's offline store (the patient's visit would be lost, not delayed).
 */
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { hasUnsynced, syncNow, useOfflineState } from "../offline/gate";

export function useSignOut(): { signOut: () => void; confirmation: ReactNode } {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const state = useOfflineState();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);

  const leave = () => {
    setBusy(true);
    void signOut()
      .catch(() => undefined) // signed out here whatever the server or the store said
      .finally(() => {
        setBusy(false);
        setAsking(false);
        void navigate("/");
      });
  };
  const request = () => {
    void hasUnsynced()
      .catch(() => false)
      .then((unsynced) => (unsynced ? setAsking(true) : leave()));
  };
  const confirmation = (
    <Modal opened={asking} onClose={() => setAsking(false)} title={t("signOutConfirm.title")} centered>
      <Stack gap="md">
        <Text>{state.pending ? t("signOutConfirm.body", { count: state.pending }) : t("signOutConfirm.bodyUnknown")}</Text>
        <Group gap="xs" justify="flex-end">
          <Button variant="default" onClick={() => setAsking(false)} data-autofocus>
            {t("signOutConfirm.stay")}
          </Button>
          {state.online && (
            <Button variant="default" onClick={() => void syncNow().catch(() => undefined).finally(() => setAsking(false))}>
              {t("sync.now")}
            </Button>
          )}
          <Button color="red.9" loading={busy} onClick={leave}>
            {t("signOutConfirm.signOut")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
  return { signOut: request, confirmation };
}

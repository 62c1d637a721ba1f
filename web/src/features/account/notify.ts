/** A short notice after something worked, with a labelled close button (axe: button-name). */
import { notifications } from "@mantine/notifications";

import i18n from "../../i18n";

export function notify(message: string, color: "teal" | "red" = "teal", autoClose: number | false = 5000): void {
  notifications.show({
    color,
    message,
    autoClose,
    closeButtonProps: { "aria-label": i18n.t("common:actions.close") },
  });
}

/** "Times are in the clinic's time zone (...)", shown only when the device's clock reads otherwise. */
import { Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { zoneDiffers, zoneName } from "../../lib/format";

export function ZoneNote({ zone, always = false }: { zone: string; always?: boolean }) {
  const { t, i18n } = useTranslation();
  if (!always && !zoneDiffers(zone)) {
    return null;
  }
  return (
    <Text size="sm" c="gray.7" data-testid="zone-note">
      {t("time.clinicZone", { zone: zoneName(zone, i18n.language) })}
    </Text>
  );
}

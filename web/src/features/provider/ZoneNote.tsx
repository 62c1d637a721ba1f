/** "Times are in the clinic's time zone (...)": only when this device's clock reads otherwise. */
import { Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { zoneDiffers, zoneName } from "../../lib/format";

export function ZoneNote({ zone }: { zone: string }) {
  const { t, i18n } = useTranslation();
  if (!zoneDiffers(zone)) {
    return null;
  }
  return (
    <Text size="sm" c="gray.7">
      {t("time.clinicZone", { zone: zoneName(zone, i18n.language) })}
    </Text>
  );
}

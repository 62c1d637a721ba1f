/** The nearest free starts a refused time offers: each one tap to take instead. */
import { Button, SimpleGrid, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { formatShortDate, formatTime } from "../../lib/format";
import type { Alternative } from "./problems";

export function AlternativeTimes({
  alternatives,
  zone,
  onPick,
  busyStart,
}: {
  alternatives: Alternative[];
  zone: string;
  onPick: (alternative: Alternative) => void;
  busyStart?: string | null;
}) {
  const { t, i18n } = useTranslation("patient");
  const language = i18n.language;
  if (alternatives.length === 0) {
    return <Text size="sm">{t("alternatives.none")}</Text>;
  }
  return (
    <Stack gap="xs" data-testid="alternatives">
      <Text size="sm" fw={600}>
        {t("alternatives.title")}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
        {alternatives.map((alternative) => (
          <Button
            key={alternative.starts_at}
            variant="default"
            size="md"
            loading={busyStart === alternative.starts_at}
            disabled={!!busyStart && busyStart !== alternative.starts_at}
            onClick={() => onPick(alternative)}
          >
            {formatShortDate(alternative.starts_at, zone, language)}, {formatTime(alternative.starts_at, zone, language)}
          </Button>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

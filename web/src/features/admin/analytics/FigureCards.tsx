/** The range's figures, each beside the previous range's, the change said in words. */
import { Paper, SimpleGrid, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { describeChange, FIGURES, formatValue, type Row, spanWords, type T } from "./figures";

export function FigureCards({ current, previous, days }: { current: Row; previous: Row | null; days: number }) {
  const { t: typed, i18n } = useTranslation("analytics");
  const t = typed as unknown as T;
  const span = spanWords(days, t);
  return (
    <SimpleGrid component="ul" cols={{ base: 1, xs: 2, md: 3, lg: 4 }} spacing="sm" className="analytics-cards" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label={t("cards.label")}>
      {FIGURES.map(({ key, kind }) => {
        const before = previous ? previous[key] : null;
        return (
          <Paper component="li" withBorder p="sm" key={key} data-figure={key}>
            <Text size="sm" fw={600} component="h3" m={0}>
              {t(`figure.${key}`)}
            </Text>
            <Text fz={28} fw={700} lh={1.2} data-testid={`figure-${key}`}>
              {formatValue(current[key], kind, i18n.language, t)}
            </Text>
            <Text size="sm">{previous ? describeChange(current[key], before, kind, span, i18n.language, t) : t("change.loading")}</Text>
            <Text size="xs" c="dimmed">
              {t("cards.previous", { span, value: previous ? formatValue(before, kind, i18n.language, t) : "…" })}
            </Text>
          </Paper>
        );
      })}
    </SimpleGrid>
  );
}

/**
 * One chart of the dashboard with its table. Screen readers always get the table (the chart is
 * hidden from them); sighted people switch between the two. The totals close the table.
 */
import { Group, Paper, SegmentedControl, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { type ReactNode, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import type { Row, T } from "./figures";
import { periodLabel } from "./periods";
import type { Period } from "./range";

export interface Column {
  key: keyof Row;
  format: (value: number | null) => string;
}

interface Props {
  title: string;
  rows: Row[];
  totals: Row;
  period: Period;
  columns: Column[];
  chart: ReactNode;
}

export function ChartSection({ title, rows, totals, period, columns, chart }: Props) {
  const { t: typed, i18n } = useTranslation("analytics");
  const t = typed as unknown as T;
  const [view, setView] = useState<"chart" | "table">("chart");
  const headingId = useId();
  const label = (key: keyof Row) => t(`figure.${key}`);
  const value = (row: Row, column: Column) => column.format(row[column.key] as number | null);
  const summary = t("chart.summary", {
    figures: new Intl.ListFormat(i18n.language, { type: "unit" }).format(columns.map((c) => `${label(c.key)} ${value(totals, c)}`)),
  });

  const table = (
    <Table striped withTableBorder highlightOnHover={false} fz="sm">
        <Table.Caption>{title}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("table.period")}</Table.Th>
            {columns.map((c) => (
              <Table.Th scope="col" key={c.key} ta="right">
                {label(c.key)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...rows, totals].map((row) => (
            <Table.Tr key={row.period} fw={row.period === "total" ? 700 : undefined}>
              <Table.Th scope="row" fw="inherit">
                {periodLabel(row, period, i18n.language, t)}
              </Table.Th>
              {columns.map((c) => (
                <Table.Td key={c.key} ta="right">
                  {value(row, c)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
    </Table>
  );

  return (
    <Paper component="section" withBorder p="md" className="analytics-section" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id={headingId}>
            {title}
          </Title>
          <SegmentedControl
            className="analytics-controls"
            size="xs"
            value={view}
            onChange={(next) => setView(next as "chart" | "table")}
            aria-label={t("view.label", { title })}
            data={[
              { value: "chart", label: t("view.chart") },
              { value: "table", label: t("view.table") },
            ]}
          />
        </Group>
        <Text size="sm" c="dimmed">
          {summary}
        </Text>
        {view === "chart" ? (
          <>
            <div className="analytics-chart" aria-hidden="true">
              {chart}
            </div>
            <VisuallyHidden>{table}</VisuallyHidden>
          </>
        ) : (
          // Wider than a phone: it scrolls sideways, by keyboard too.
          <div className="analytics-table" tabIndex={0} role="region" aria-label={title} style={{ overflowX: "auto" }}>
            {table}
          </div>
        )}
      </Stack>
    </Paper>
  );
}

/** The dashboard's charts over time, each with its table (ChartSection). */
import "@mantine/charts/styles.css";

import { BarChart, LineChart } from "@mantine/charts";
import { Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { ChartSection, type Column } from "./ChartSection";
import { formatValue, type Row, type Summary, type T } from "./figures";
import { periodLabel } from "./periods";

type Key = keyof Row;
const HEIGHT = 260;
// Told apart by dash as well as colour.
const DASHES = ["0", "6 4", "2 3"];
const COLOURS = ["teal.8", "orange.8", "grape.8", "blue.8"];

export function Charts({ summary }: { summary: Summary }) {
  const { t: typed, i18n } = useTranslation("analytics");
  const t = typed as unknown as T;
  const language = i18n.language;
  const count = (v: number | null) => formatValue(v, "count", language, t);
  const rate = (v: number | null) => formatValue(v, "rate", language, t);
  const hours = (v: number | null) => formatValue(v, "hours", language, t);
  const data = summary.rows.map((row) => ({ ...row, label: periodLabel(row, summary.period, language, t) }));
  const series = (keys: Key[]) => keys.map((key, n) => ({ name: key, label: t(`figure.${key}`), color: COLOURS[n % COLOURS.length]!, strokeDasharray: DASHES[n % DASHES.length] }));
  const columns = (entries: [Key, (v: number | null) => string][]): Column[] => entries.map(([key, format]) => ({ key, format }));
  const common = { data, dataKey: "label", h: HEIGHT, withLegend: true, legendProps: { verticalAlign: "bottom" as const }, accessibilityLayer: false };
  const noAnimation = { isAnimationActive: false };
  const rateAxis = { tickFormatter: (v: number) => rate(v), domain: [0, 1] as [number, number] };
  const section = { rows: summary.rows, totals: summary.totals, period: summary.period };

  return (
    <Stack gap="md" className="analytics-charts">
      <ChartSection
        {...section}
        title={t("chart.activity")}
        columns={columns([["booked", count], ["cancelled", count], ["no_shows", count], ["rescheduled", count], ["completed", count], ["walk_ins", count], ["waitlist_fills", count]])}
        chart={<LineChart {...common} series={series(["booked", "cancelled", "no_shows"])} valueFormatter={count} lineProps={noAnimation} />}
      />
      <ChartSection
        {...section}
        title={t("chart.cancellations")}
        columns={columns([["cancelled_by_patient", count], ["cancelled_by_clinic", count], ["cancelled_24h_or_more_before", count], ["cancelled_under_24h_before", count], ["cancelled_after_start", count]])}
        chart={<BarChart {...common} type="stacked" series={series(["cancelled_by_patient", "cancelled_by_clinic"])} valueFormatter={count} barProps={noAnimation} />}
      />
      <ChartSection
        {...section}
        title={t("chart.utilisation")}
        columns={columns([["utilisation", rate], ["booked_minutes", count], ["shift_minutes", count], ["average_lead_time_hours", hours]])}
        chart={<LineChart {...common} series={series(["utilisation"])} valueFormatter={rate} yAxisProps={rateAxis} connectNulls lineProps={noAnimation} />}
      />
      <ChartSection
        {...section}
        title={t("chart.reminders")}
        columns={columns([["reminder_delivery_rate", rate], ["reminders", count], ["reminders_delivered", count]])}
        chart={<LineChart {...common} series={series(["reminder_delivery_rate"])} valueFormatter={rate} yAxisProps={rateAxis} connectNulls lineProps={noAnimation} />}
      />
      <ChartSection
        {...section}
        title={t("chart.noShowReminders")}
        columns={columns([["no_show_rate_reminder_delivered", rate], ["no_show_rate_reminder_not_delivered", rate], ["no_show_rate", rate]])}
        chart={<BarChart {...common} series={series(["no_show_rate_reminder_delivered", "no_show_rate_reminder_not_delivered"])} valueFormatter={rate} yAxisProps={rateAxis} barProps={noAnimation} />}
      />
      <ChartSection
        {...section}
        title={t("chart.offline")}
        columns={columns([["booked_online", count], ["booked_offline", count], ["conflicts_recorded", count], ["conflicts_open", count], ["conflicts_resolved_booked", count], ["conflicts_resolved_waitlisted", count], ["conflicts_resolved_cancelled", count]])}
        chart={<BarChart {...common} type="stacked" series={series(["booked_online", "booked_offline"])} valueFormatter={count} barProps={noAnimation} />}
      />
    </Stack>
  );
}

/**
 * The analytics dashboard: reporting's summary for a clinic (or, for org admins, the network)
 * over a range, beside the range before it; charts with their tables, a CSV, a print layout.
 * The figures are asked for again every 5 s while the tab is visible, so a booking shows within
 * seconds of reporting counting it.
 */
import "./analytics/print.css";
import "./analytics/strings";

import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { keepPreviousData } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useAuth } from "../../auth/AuthProvider";
import { clinicIds, isOrgAdmin } from "../../auth/roles";
import { deviceZone, formatTime } from "../../lib/format";
import { today } from "../desk/zone";
import { Charts } from "./analytics/Charts";
import { downloadSummaryCsv } from "./analytics/csv";
import { FigureCards } from "./analytics/FigureCards";
import type { T } from "./analytics/figures";
import { FilterBar } from "./analytics/FilterBar";
import { longDay } from "./analytics/periods";
import { type Filters, previousRange, readFilters, spanDays, summaryQuery, validRange, writeFilters } from "./analytics/range";

const REFRESH_MS = 5_000;

export default function AnalyticsPage() {
  const { t: typed, i18n } = useTranslation("analytics");
  const t = typed as unknown as T;
  const { principal } = useAuth();
  const network = isOrgAdmin(principal);
  const [params, setParams] = useSearchParams();
  const clinicsQuery = $api.useQuery("get", "/v1/clinics", { params: { query: { limit: 200 } } }, { staleTime: 5 * 60_000 });
  const clinics = useMemo(() => {
    const all = clinicsQuery.data?.items ?? [];
    const mine = new Set(clinicIds(principal, "clinic_admin"));
    return network ? all : all.filter((c) => mine.has(c.id));
  }, [clinicsQuery.data, principal, network]);

  // A clinic admin starts at their (first) clinic, an org admin at the whole network.
  const fallbackClinic = network ? null : (clinics[0]?.id ?? null);
  const zoneOf = (id: string | null) => clinics.find((c) => c.id === id)?.time_zone ?? clinics[0]?.time_zone ?? deviceZone();
  const defaultZone = zoneOf(params.get("clinic") ?? fallbackClinic);
  const filters = readFilters(params, { clinic: fallbackClinic, today: today(defaultZone) });
  const zone = zoneOf(filters.clinic);
  const valid = validRange(filters.from, filters.to);
  const ready = clinicsQuery.isSuccess && (network || !!filters.clinic) && valid;
  const days = valid ? spanDays(filters.from, filters.to) : 0;
  const query = summaryQuery(filters);
  const previousQuery = summaryQuery(filters, valid ? previousRange(filters.from, filters.to) : filters);

  const current = $api.useQuery(
    "get",
    "/v1/reports/summary",
    { params: { query } },
    { enabled: ready, refetchInterval: REFRESH_MS, placeholderData: keepPreviousData, staleTime: 0 },
  );
  // Past days change only with late events: a minute is fresh enough.
  const previous = $api.useQuery("get", "/v1/reports/summary", { params: { query: previousQuery } }, { enabled: ready, refetchInterval: 60_000, placeholderData: keepPreviousData });

  const [download, setDownload] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const saveCsv = async () => {
    setDownload({ busy: true, error: null });
    try {
      await downloadSummaryCsv(query);
      setDownload({ busy: false, error: null });
    } catch (error) {
      setDownload({ busy: false, error });
    }
  };
  const change = (next: Filters) => setParams(writeFilters(next), { replace: true });

  const clinicName = filters.clinic ? (clinics.find((c) => c.id === filters.clinic)?.name ?? "") : t("filters.allClinics");
  const summary = current.data;

  return (
    <Page
      title={t("title")}
      actions={
        <Group gap="xs" className="analytics-controls">
          <Button variant="default" onClick={() => void saveCsv()} loading={download.busy} disabled={!ready}>
            {t("actions.csv")}
          </Button>
          <Button variant="default" onClick={() => window.print()}>
            {t("actions.print")}
          </Button>
        </Group>
      }
    >
      <div className="analytics-controls">
        <ProblemAlert error={download.error} title={t("actions.csvFailed")} />
      </div>
      <ProblemAlert error={clinicsQuery.error} />
      <FilterBar filters={filters} clinics={clinics} network={network} rangeError={valid ? null : t("filters.invalidRange")} onChange={change} />
      {valid && (
        <Text size="sm">
          {t("scope", { clinic: clinicName, period: t(`period.${filters.period}`), from: longDay(filters.from, i18n.language), to: longDay(filters.to, i18n.language) })}
          {summary && current.dataUpdatedAt > 0 && (
            <span className="analytics-controls">
              {" "}
              {t("updated", { time: formatTime(new Date(current.dataUpdatedAt), zone, i18n.language) })}
            </span>
          )}
        </Text>
      )}
      <ProblemAlert error={current.error} />
      {summary && (
        <Stack gap="md">
          <section className="analytics-section" aria-labelledby="analytics-figures">
            <Title order={2} size="h4" id="analytics-figures" mb="sm">
              {t("cards.title")}
            </Title>
            <FigureCards current={summary.totals} previous={previous.data?.totals ?? null} days={days} />
          </section>
          <Charts summary={summary} />
        </Stack>
      )}
      {ready && !summary && !current.error && <Text c="dimmed">{t("loading")}</Text>}
    </Page>
  );
}

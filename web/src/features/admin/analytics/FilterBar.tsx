/** What the dashboard covers: clinic (or the whole network), provider, type, period, days. */
import { NativeSelect, Paper, SimpleGrid, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { components } from "../../../api/schema";
import { $api } from "../../../api/query";
import type { T } from "./figures";
import { ALL_CLINICS, type Filters, type Period, PERIODS } from "./range";

type Clinic = components["schemas"]["ClinicRead"];

interface Props {
  filters: Filters;
  clinics: Clinic[];
  /** Org admins may look at every clinic at once. */
  network: boolean;
  rangeError: string | null;
  onChange: (next: Filters) => void;
}

export function FilterBar({ filters, clinics, network, rangeError, onChange }: Props) {
  const { t: typed } = useTranslation("analytics");
  const t = typed as unknown as T;
  const clinic = filters.clinic;
  const providers = $api.useQuery(
    "get",
    "/v1/users",
    { params: { query: { role: "provider", clinic_id: clinic, limit: 200 } } },
    { enabled: !!clinic, staleTime: 5 * 60_000 },
  );
  const types = $api.useQuery(
    "get",
    "/v1/appointment-types",
    { params: { query: { clinic_id: clinic ?? "", limit: 200 } } },
    { enabled: !!clinic, staleTime: 5 * 60_000 },
  );
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  const clinicOptions = [
    ...(network ? [{ value: ALL_CLINICS, label: t("filters.allClinics") }] : []),
    ...clinics.map((c) => ({ value: c.id, label: c.name })),
  ];

  return (
    <Paper withBorder p="sm" className="analytics-controls" component="form" role="search" aria-label={t("filters.label")} onSubmit={(e) => e.preventDefault()}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 6 }} spacing="sm">
        <NativeSelect
          label={t("filters.clinic")}
          value={clinic ?? ALL_CLINICS}
          data={clinicOptions}
          // Providers and types belong to a clinic: another clinic starts without them.
          onChange={(e) => set({ clinic: e.currentTarget.value === ALL_CLINICS ? null : e.currentTarget.value, provider: null, type: null })}
        />
        <NativeSelect
          label={t("filters.provider")}
          value={filters.provider ?? ""}
          disabled={!clinic}
          description={clinic ? undefined : t("filters.pickClinic")}
          data={[{ value: "", label: t("filters.allProviders") }, ...(providers.data?.items ?? []).map((p) => ({ value: p.id, label: p.full_name }))]}
          onChange={(e) => set({ provider: e.currentTarget.value || null })}
        />
        <NativeSelect
          label={t("filters.type")}
          value={filters.type ?? ""}
          disabled={!clinic}
          description={clinic ? undefined : t("filters.pickClinic")}
          data={[{ value: "", label: t("filters.allTypes") }, ...(types.data?.items ?? []).map((type) => ({ value: type.id, label: type.name }))]}
          onChange={(e) => set({ type: e.currentTarget.value || null })}
        />
        <NativeSelect
          label={t("filters.period")}
          value={filters.period}
          data={PERIODS.map((p) => ({ value: p, label: t(`filters.periods.${p}`) }))}
          onChange={(e) => set({ period: e.currentTarget.value as Period })}
        />
        <TextInput type="date" label={t("filters.from")} value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.currentTarget.value })} error={rangeError ? true : undefined} />
        <TextInput type="date" label={t("filters.to")} value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.currentTarget.value })} error={rangeError} />
      </SimpleGrid>
    </Paper>
  );
}

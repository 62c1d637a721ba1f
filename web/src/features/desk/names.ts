/** Names for the ids a visit carries: patients (one read each, cached), types and providers. */
import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";

import { $api } from "../../api/query";
import type { components } from "../../api/schema";

export type Patient = components["schemas"]["UserRead"];

/** Each patient read once and kept for a while: names do not change under the desk's eyes. */
export function usePatients(ids: (string | null | undefined)[]) {
  const unique = [...new Set(ids.filter((id): id is string => !!id))].sort();
  const results = useQueries({
    queries: unique.map((id) =>
      $api.queryOptions("get", "/v1/users/{user_id}", { params: { path: { user_id: id } } }, { staleTime: 10 * 60_000, retry: false }),
    ),
  });
  const key = results.map((r) => r.dataUpdatedAt).join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo<Record<string, Patient | undefined>>(() => Object.fromEntries(unique.map((id, i) => [id, results[i]?.data])), [unique.join(","), key]);
}

export function useClinicNames(clinicId: string | undefined) {
  const types = $api.useQuery(
    "get",
    "/v1/appointment-types",
    { params: { query: { clinic_id: clinicId ?? "", limit: 200 } } },
    { enabled: !!clinicId, staleTime: 5 * 60_000 },
  );
  const providers = $api.useQuery(
    "get",
    "/v1/users",
    { params: { query: { clinic_id: clinicId ?? "", role: "provider", limit: 200 } } },
    { enabled: !!clinicId, staleTime: 5 * 60_000 },
  );
  return useMemo(() => {
    const typeNames: Record<string, string> = {};
    for (const type of types.data?.items ?? []) {
      typeNames[type.id] = type.name;
    }
    const providerNames: Record<string, string> = {};
    for (const provider of providers.data?.items ?? []) {
      providerNames[provider.id] = provider.full_name;
    }
    return { types: types.data?.items ?? [], providers: providers.data?.items ?? [], typeNames, providerNames };
  }, [types.data, providers.data]);
}

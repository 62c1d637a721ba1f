/** Free slots of a type at a clinic over some clinic-local days (one page: at most 200). */
import { useEffect } from "react";

import { $api } from "../../api/query";
import { daysRange } from "./days";
import { rememberProviders } from "./providerNames";

export const ANY = "any";

export function useSlots(
  clinicId: string | null | undefined,
  zone: string | null | undefined,
  typeId: string | null | undefined,
  providerId: string | null | undefined,
  firstDay: string | null | undefined,
  days: number,
) {
  const range = firstDay && zone ? daysRange(firstDay, zone, days) : null;
  const query = $api.useQuery(
    "get",
    "/v1/slots",
    {
      params: {
        query: {
          clinic_id: clinicId ?? "",
          type_id: typeId ?? "",
          ...(providerId && providerId !== ANY ? { provider_id: providerId } : {}),
          from: range?.from,
          to: range?.to,
          limit: 200,
        },
      },
    },
    { enabled: !!(clinicId && typeId && range) },
  );
  useEffect(() => {
    if (query.data) {
      rememberProviders(query.data.items);
    }
  }, [query.data]);
  return query;
}

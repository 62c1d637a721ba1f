/** A person's name from identity, read once and cached; `fallback` while unknown or hidden. */
import { $api } from "../../api/query";

export function usePersonName(id: string | null | undefined): string | null {
  const query = $api.useQuery(
    "get",
    "/v1/users/{user_id}",
    { params: { path: { user_id: id ?? "" } } },
    { enabled: !!id, staleTime: 5 * 60_000, retry: false },
  );
  return query.data?.full_name ?? null;
}

export function PersonName({ id, fallback }: { id: string | null | undefined; fallback: string }) {
  return <>{usePersonName(id) ?? fallback}</>;
}

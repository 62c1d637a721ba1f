/**
 * The CSV download. A plain link would go without the bearer token, so the file is fetched
 * through the API client (token, refresh, problem+json) and saved through a Blob link.
 */
import { api } from "../../../api/client";
import type { SummaryQuery } from "./range";

function fileName(disposition: string | null, query: SummaryQuery): string {
  const named = disposition?.match(/filename="?([^";]+)"?/);
  return named?.[1] ?? `summary-${query.period ?? "day"}-${query.from}-${query.to}.csv`;
}

export async function downloadSummaryCsv(query: SummaryQuery): Promise<void> {
  const { data, response } = await api.GET("/v1/reports/summary.csv", { params: { query }, parseAs: "blob" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(data as Blob);
  link.download = fileName(response.headers.get("Content-Disposition"), query);
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the file to the browser; the next turn may free it.
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

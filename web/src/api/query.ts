/**
 * Reads: every screen reads server state through `$api.useQuery` (TanStack Query keyed by
 * method, path and parameters), so offline mode can answer them from a local copy later.
 */
import { QueryClient } from "@tanstack/react-query";
import createQueryHooks from "openapi-react-query";

import { api } from "./client";
import { isProblem } from "./problem";

export const $api = createQueryHooks(api);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx will answer the same again; a network failure or a 5xx may pass.
        retry: (count, error) => count < 2 && !(isProblem(error) && error.status < 500 && error.status > 0),
        refetchOnWindowFocus: true,
        // Never paused for want of a network: in offline mode the device's store answers
        // (src/offline/localApi.ts), and otherwise a failed call is shown, not waited out.
        networkMode: "always",
      },
      mutations: { retry: false, networkMode: "always" },
    },
  });
}

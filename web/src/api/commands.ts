/**
 * Writes: every change the app makes goes through `useCommand`. Each POST carries an
 * Idempotency-Key (a retry replays rather than books twice), and a success refreshes what the
 * screens show. Offline mode will turn this one place into a queue.
 */
import { useQueryClient } from "@tanstack/react-query";
import type { Middleware } from "openapi-fetch";
import type { HttpMethod, PathsWithMethod } from "openapi-typescript-helpers";

import { api, type paths } from "./client";
import { ProblemError } from "./problem";
import { $api } from "./query";

type WriteMethod = Extract<HttpMethod, "post" | "put" | "patch" | "delete">;

const idempotency: Middleware = {
  onRequest({ request }) {
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    return request;
  },
};
api.use(idempotency);

/** A mutation of one API operation; `problem` is its last failure, ready to show. */
export function useCommand<M extends WriteMethod, P extends PathsWithMethod<paths, M>>(
  method: M,
  path: P,
) {
  const queryClient = useQueryClient();
  const mutation = $api.useMutation(method, path, {
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const problem = mutation.error instanceof ProblemError ? mutation.error : null;
  return Object.assign(mutation, { problem });
}

/** The typed API client: every call of the app goes through here. */
import createClient, { type Middleware } from "openapi-fetch";

import { currentToken, refreshSession } from "../auth/session";
import { localFetch } from "../offline/gate";
import { NETWORK_PROBLEM, ProblemError, problemFrom } from "./problem";
import type { paths } from "./schema";

const retries = new Map<string, Request>();

const auth: Middleware = {
  onRequest({ request, id }) {
    const token = currentToken();
    if (token) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    retries.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const original = retries.get(id);
    retries.delete(id);
    if (response.status !== 401 || !original || !currentToken()) {
      return response;
    }
    // The access token expired: one refresh through the cookie, then the call once more.
    const token = await refreshSession();
    if (!token) {
      return response;
    }
    original.headers.set("Authorization", `Bearer ${token}`);
    return fetch(original);
  },
};

/** Failed answers become ProblemErrors, so queries and commands fail with something to show. */
const problems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) {
      throw await problemFrom(response);
    }
    return response;
  },
  onError({ error }) {
    if (error instanceof ProblemError) {
      return error;
    }
    return new ProblemError(0, { ...NETWORK_PROBLEM, detail: String(error) });
  },
};

export const api = createClient<paths>({
  baseUrl: window.location.origin,
  // Offline mode answers the desk's reads from the device and queues its writes; off, it is
  // globalThis.fetch, looked up at each call (tests replace it with msw).
  fetch: (request) => localFetch(request),
});
api.use(problems, auth); // auth's onResponse runs first, so a retried 401 is judged afresh

export type { paths };

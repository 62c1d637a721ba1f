/** The API faked with msw: each test adds the answers it needs with `server.use(...)`. */
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

export const server = setupServer(
  // No session cookie unless a test says otherwise: the app starts signed out.
  http.post("*/v1/auth/session/refresh", () =>
    HttpResponse.json({ type: "urn:clinic:problem:invalid-refresh-token", status: 401 }, { status: 401 }),
  ),
);

export function problem(status: number, slug: string, extra: Record<string, unknown> = {}) {
  return HttpResponse.json(
    { type: `urn:clinic:problem:${slug}`, title: slug, status, ...extra },
    { status, headers: { "Content-Type": "application/problem+json" } },
  );
}

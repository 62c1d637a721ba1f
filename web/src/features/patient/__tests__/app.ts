/**
 * The app's modules, loaded after msw listens: openapi-fetch keeps the `fetch` it finds when
 * the client is created, so a client created at import time would bypass msw. (Shared fix
 * proposed: `createClient({ fetch: (request) => globalThis.fetch(request) })` in api/client.ts.)
 */
export async function loadApp() {
  const [{ renderAt }, { patientRoutes }] = await Promise.all([
    import("../../../../test/render"),
    import("../routes"),
  ]);
  return { renderAt, patientRoutes };
}

/**
 * The API client's fetch. With offline mode off it is plain fetch. With it on for clinic C, the
 * desk's reads of C within the pulled window are answered from the device's store (its pending
 * changes included) in the server's shapes, so the screens look the same online and offline;
 * the desk's writes go to the network and, when there is none, become queued changes answered
 * as the server would. Everything else goes to the network.
 */
import { ProblemError } from "../api/problem";
import type { components } from "../api/schema";
import { currentToken } from "../auth/session";
import { addDays, dayStart, mondayOf, today } from "../features/desk/zone";
import { localDay } from "../lib/format";
import { db, readMeta, type MetaRow, type PatientRow, type ProviderRow } from "./db";
import { kick, startEngine, syncNow } from "./engine";
import { queueBook, queueChange, queueRegister, type ChangeKind } from "./queue";
import { ensureLoaded, getState, requestEnded, requestStarted } from "./state";
import { ms, zoned } from "./time";

type UserRead = components["schemas"]["UserRead"];
type RosterShift = components["schemas"]["RosterShift"];

const CHANGES: Record<string, ChangeKind> = {
  cancel: "cancel",
  reschedule: "reschedule",
  "check-in": "check_in",
  complete: "complete",
  "no-show": "no_show",
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function problemResponse(error: ProblemError): Response {
  return new Response(JSON.stringify({ status: error.status, ...error.body }), {
    status: error.status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

const page = <T>(items: T[]) => ({ items, next_cursor: null });

function offline(): boolean {
  return typeof navigator !== "undefined" && !navigator.onLine;
}

/** The network, or null when there is none (fetch's TypeError, or the browser says so). */
async function network(request: Request): Promise<Response | null> {
  if (offline()) return null;
  const asked = requestStarted();
  try {
    const response = await globalThis.fetch(request);
    requestEnded(asked, true);
    return response;
  } catch (error) {
    if (error instanceof TypeError) {
      requestEnded(asked, false);
      return null;
    }
    throw error;
  }
}

/** The gateway's "could not reach the service" answers: the server is not there for us. */
const UNREACHABLE = new Set([502, 503, 504]);

/**
 * Whether an answer is the server's word on the request, or only says that the server cannot
 * serve this device now: out of reach behind the gateway, or a 401 to a device signed in from
 * its offline session (no access token: started with no network, or the refresh went
 * unanswered). For those the device's copy answers, as with no network at all.
 */
function answered(response: Response): boolean {
  return !UNREACHABLE.has(response.status) && !(response.status === 401 && !currentToken());
}

/** Whether [from, to) lies inside what the last pull covers. */
function covered(meta: MetaRow, from: string | null, to: string | null): boolean {
  if (!meta.window) return false;
  const start = ms(meta.window.from);
  const end = ms(meta.window.to);
  return (!from || ms(from) >= start) && (!to || ms(to) <= end);
}

function userOf(row: PatientRow | ProviderRow, kind: "patient" | "staff"): UserRead {
  return {
    id: row.id,
    kind,
    full_name: row.full_name,
    phone: "phone" in row ? row.phone : null,
    email: null,
    date_of_birth: null,
    preferred_language: "en",
    consent: { sms: false, whatsapp: false },
    active: true,
    deactivated_at: null,
    created_at: "",
    updated_at: "",
    memberships: [],
  } as UserRead;
}

function clinicRead(meta: MetaRow) {
  const clinic = meta.clinic!;
  return {
    id: clinic.id,
    name: clinic.name,
    time_zone: clinic.time_zone,
    address: null,
    phone: null,
    opening_hours: [],
    booking_policy: clinic.booking_policy ?? {},
    created_at: "",
    updated_at: "",
  };
}

async function appointments(params: URLSearchParams) {
  const statuses = params.getAll("status");
  const from = params.get("from");
  const to = params.get("to");
  const provider = params.get("provider_id");
  const patient = params.get("patient_id");
  const needs = params.get("needs_reschedule");
  const rows = await db().appointments.toArray();
  const items = rows
    .filter(
      (a) =>
        (statuses.length ? statuses.includes(a.status) : a.status !== "pending") &&
        (!from || ms(a.starts_at) >= ms(from)) &&
        (!to || ms(a.starts_at) < ms(to)) &&
        (!provider || a.provider_id === provider) &&
        (!patient || a.patient_id === patient) &&
        (needs === null || String(a.needs_reschedule) === needs),
    )
    .sort((a, b) => ms(a.starts_at) - ms(b.starts_at) || a.id.localeCompare(b.id));
  return page(items);
}

async function slots(params: URLSearchParams, meta: MetaRow) {
  const store = db();
  const typeId = params.get("type_id");
  const provider = params.get("provider_id");
  const from = ms(params.get("from") ?? new Date());
  const to = params.get("to") ? ms(params.get("to")!) : from + 7 * 86_400_000;
  const type = typeId ? await store.types.get(typeId) : undefined;
  const names = new Map((await store.providers.toArray()).map((p) => [p.id, p.full_name]));
  const zone = meta.clinic?.time_zone ?? "UTC";
  const byStart = new Map<number, string[]>();
  for (const table of [store.reserved, store.availability]) {
    const rows = await table.filter((r) => r.type_id === typeId && (!provider || r.provider_id === provider)).toArray();
    for (const row of rows) {
      for (const start of row.starts) {
        const at = ms(start);
        if (at < from || at >= to) continue;
        const providers = byStart.get(at) ?? [];
        if (!providers.includes(row.provider_id)) providers.push(row.provider_id);
        byStart.set(at, providers);
      }
    }
  }
  const minutes = (type?.duration_minutes ?? 15) * 60_000;
  const items = [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, providers]) => ({
      starts_at: zoned(new Date(at), zone),
      ends_at: zoned(new Date(at + minutes), zone),
      providers: providers.map((id) => ({ id, name: names.get(id) ?? null })),
    }));
  return page(items);
}

async function roster(params: URLSearchParams, meta: MetaRow) {
  const store = db();
  const zone = meta.clinic?.time_zone ?? "UTC";
  const day = params.get("date") ?? today(zone);
  const week = params.get("view") === "week";
  const first = week ? mondayOf(day) : day;
  const last = addDays(first, week ? 6 : 0);
  const start = dayStart(first, zone).getTime();
  const end = dayStart(addDays(last, 1), zone).getTime();
  const providers = new Map((await store.providers.toArray()).map((p) => [p.id, p.full_name]));
  const leave = await store.leave.toArray();
  const shifts = (await store.shifts.toArray())
    .filter((s) => ms(s.starts_at) >= start && ms(s.starts_at) < end)
    .sort((a, b) => ms(a.starts_at) - ms(b.starts_at));
  const days = Array.from({ length: week ? 7 : 1 }, (_, n) => ({ date: addDays(first, n), shifts: [] as RosterShift[] }));
  for (const shift of shifts) {
    const local = localDay(shift.starts_at, zone);
    const breaks = (shift.breaks ?? []).map((b) => ({ starts_at: zoned(b.starts_at, zone), ends_at: zoned(b.ends_at, zone) }));
    const pauses = (shift.breaks ?? []).reduce((sum, b) => sum + ms(b.ends_at) - ms(b.starts_at), 0);
    days.find((d) => d.date === local)?.shifts.push({
      id: shift.id,
      clinic_id: meta.clinicId!,
      staff_id: shift.staff_id,
      staff_name: providers.get(shift.staff_id) ?? null,
      role: providers.has(shift.staff_id) ? "provider" : "receptionist",
      local_date: local,
      starts_at: zoned(shift.starts_at, zone),
      ends_at: zoned(shift.ends_at, zone),
      breaks,
      worked_hours: Math.round(((ms(shift.ends_at) - ms(shift.starts_at) - pauses) / 3_600_000) * 100) / 100,
      status: "scheduled",
      template_id: null,
      modified: false,
      cancel_reason: null,
      note: null,
      updated_at: "",
      on_leave: leave.some((l) => l.staff_id === shift.staff_id && ms(l.starts_at) < ms(shift.ends_at) && ms(shift.starts_at) < ms(l.ends_at)),
    });
  }
  return { clinic_id: meta.clinicId!, time_zone: zone, first_day: first, last_day: last, days };
}

function matches(patient: PatientRow, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const name = patient.full_name.toLowerCase();
  const digits = q.replace(/\D/g, "");
  return (digits.length >= 3 && (patient.phone ?? "").replace(/\D/g, "").includes(digits)) || words.every((w) => name.includes(w));
}

async function searchPatients(params: URLSearchParams): Promise<UserRead[]> {
  const q = (params.get("q") ?? "").trim();
  const limit = Number(params.get("limit") ?? 50);
  const found = await db().patients.filter((p) => !q || matches(p, q)).toArray();
  return found
    .sort((a, b) => a.full_name.localeCompare(b.full_name))
    .slice(0, limit)
    .map((p) => userOf(p, "patient"));
}

/** Patients registered on this device that the server does not know yet. */
async function registeredHere(): Promise<Set<string>> {
  const queued = await db().queue.filter((m) => m.kind === "register_patient").toArray();
  return new Set(queued.map((m) => String(m.args.patient_id)));
}

async function localUser(id: string): Promise<Response | null> {
  const store = db();
  const patient = await store.patients.get(id);
  if (patient) return json(userOf(patient, "patient"));
  const provider = await store.providers.get(id);
  return provider ? json(userOf(provider, "staff")) : null;
}

/** Network first; the store when there is none, or the server cannot serve the device now. */
async function networkOr(request: Request, local: () => Promise<Response | null>): Promise<Response> {
  const answer = await network(request.clone());
  if (answer && answered(answer)) return answer;
  const fallback = await local();
  if (fallback) return fallback;
  if (answer) return answer; // not on this device either: the server's own word stands
  throw new TypeError("Failed to fetch (offline, and not on this device)");
}

async function read(request: Request, url: URL, meta: MetaRow): Promise<Response> {
  const clinicId = meta.clinicId!;
  const params = url.searchParams;
  const path = url.pathname;
  const ours = params.get("clinic_id") === clinicId;
  /** Local when the range is pulled; otherwise the network, the store if there is none. */
  const windowed = async (from: string | null, to: string | null, answer: () => Promise<unknown>) =>
    covered(meta, from, to) ? json(await answer()) : networkOr(request, async () => json(await answer()));

  if (path === "/v1/appointments" && ours) {
    return windowed(params.get("from"), params.get("to"), () => appointments(params));
  }
  if (path === "/v1/slots" && ours) {
    return windowed(params.get("from"), params.get("to"), () => slots(params, meta));
  }
  if (path === "/v1/shifts/roster" && ours) {
    const zone = meta.clinic?.time_zone ?? "UTC";
    const day = params.get("date") ?? today(zone);
    const first = params.get("view") === "week" ? mondayOf(day) : day;
    const last = addDays(first, params.get("view") === "week" ? 6 : 0);
    const from = dayStart(first, zone).toISOString();
    const to = dayStart(addDays(last, 1), zone).toISOString();
    return windowed(from, to, () => roster(params, meta));
  }
  if (path === "/v1/appointment-types" && ours) {
    return json(page(await db().types.toArray()));
  }
  if (path === "/v1/users" && ours && params.get("role") === "provider") {
    return json(page((await db().providers.toArray()).map((p) => userOf(p, "staff"))));
  }
  if (path === "/v1/users" && params.get("kind") === "patient" && !params.has("clinic_id")) {
    const answer = await network(request.clone());
    if (!answer || !answered(answer)) return json(page(await searchPatients(params)));
    if (!answer.ok) return answer;
    // Patients registered here while offline are not on the server yet: the desk finds them too.
    const mine = await registeredHere();
    if (mine.size === 0) return answer;
    const body = (await answer.json()) as { items: UserRead[]; next_cursor: string | null };
    const extra = (await searchPatients(params)).filter((p) => mine.has(p.id) && !body.items.some((i) => i.id === p.id));
    return json({ ...body, items: [...extra, ...body.items] });
  }
  const user = path.match(/^\/v1\/users\/([^/]+)$/);
  if (user) {
    const id = decodeURIComponent(user[1]!);
    if ((await registeredHere()).has(id)) return (await localUser(id))!;
    return networkOr(request, () => localUser(id));
  }
  const appointment = path.match(/^\/v1\/appointments\/([^/]+)$/);
  if (appointment) {
    const row = await db().appointments.get(decodeURIComponent(appointment[1]!));
    if (row) return json(row);
  }
  const clinic = path.match(/^\/v1\/clinics(?:\/([^/]+))?$/);
  if (clinic && (!clinic[1] || decodeURIComponent(clinic[1]) === clinicId)) {
    // The desk picks its clinic from this list: with no network, the one kept here.
    return networkOr(request, async () => (clinic[1] ? json(clinicRead(meta)) : json(page([clinicRead(meta)]))));
  }
  const closures = path.match(/^\/v1\/clinics\/([^/]+)\/closures$/);
  if (closures && decodeURIComponent(closures[1]!) === clinicId) {
    return networkOr(request, async () => json(page([])));
  }
  return globalThis.fetch(request);
}

/** The queued change a write becomes when there is no network, or null if it is not the desk's. */
async function queued(path: string, body: Record<string, unknown>, clinicId: string): Promise<Response | null> {
  if (path === "/v1/auth/register") {
    return json(await queueRegister(body as never), 201);
  }
  if (path === "/v1/appointments") {
    if (body.clinic_id !== clinicId || body.hold_id) return null;
    return json(await queueBook(body as never), 201);
  }
  const change = path.match(/^\/v1\/appointments\/([^/]+)\/([a-z-]+)$/);
  const kind = change ? CHANGES[change[2]!] : undefined;
  if (!change || !kind) return null;
  const id = decodeURIComponent(change[1]!);
  if (!(await db().appointments.get(id))) return null;
  return json(await queueChange(kind, id, body));
}

const WRITES = /^\/v1\/(auth\/register|appointments|appointments\/[^/]+\/(cancel|reschedule|check-in|complete|no-show))$/;

async function write(request: Request, url: URL, meta: MetaRow): Promise<Response> {
  const text = await request.clone().text();
  const answer = await network(request);
  // A 401 to a device with no token (its offline session) was refused unread: queued instead.
  if (answer && !(answer.status === 401 && !currentToken())) {
    if (answer.ok) void syncNow(); // the store catches up with what the server now has
    return answer;
  }
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON: nothing the queue can hold; the network error stands
  }
  try {
    const local = await queued(url.pathname, body, meta.clinicId!);
    if (!local) throw new TypeError("Failed to fetch (offline)");
    kick();
    return local;
  } catch (error) {
    if (error instanceof ProblemError) return problemResponse(error);
    throw error;
  }
}

export async function localFetch(request: Request): Promise<Response> {
  await ensureLoaded();
  if (!getState().enabled) {
    return globalThis.fetch(request);
  }
  void startEngine();
  const url = new URL(request.url);
  const meta = await readMeta();
  if (!meta.clinicId || url.origin !== window.location.origin) {
    return globalThis.fetch(request);
  }
  if (request.method === "GET") {
    return read(request, url, meta);
  }
  if (request.method === "POST" && WRITES.test(url.pathname)) {
    return write(request, url, meta);
  }
  return globalThis.fetch(request);
}

/**
 * The sync engine: refresh the session, push the queue, pull. It runs at start-up, when the
 * network comes back, on "Sync now", after an offline change, on a timer while online (to keep
 * the local copy fresh), and again with backoff (5 s doubling to 5 min) while changes wait.
 */
import { ProblemError } from "../api/problem";
import { principalOf } from "../auth/principal";
import { currentToken, refreshSession } from "../auth/session";
import { db, readMeta, writeMeta } from "./db";
import { pull } from "./pull";
import { push } from "./push";
import { ensureLoaded, getState, refresh, setLive } from "./state";
import { isoUtc } from "./time";

const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 5 * 60_000;
const FRESH_MS = 30_000;
/** Roles that may push a clinic's queue (pulling alone is open to its providers too). */
const FRONT_DESK = new Set(["receptionist", "clinic_admin"]);

let running: Promise<void> | null = null;
let again = false;
let retryMs = FIRST_RETRY_MS;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let freshTimer: ReturnType<typeof setInterval> | undefined;
let started = false;
let auto = true;

function problem(slug: string, detail: string, status = 0): ProblemError {
  return new ProblemError(status, { type: `urn:clinic:problem:${slug}`, title: slug, detail });
}

function frontDeskOf(token: string, clinicId: string): boolean {
  const principal = principalOf(token);
  return !!principal?.memberships.some(
    (m) => (m.role === "org_admin" && m.clinic_id === null) || (FRONT_DESK.has(m.role) && m.clinic_id === clinicId),
  );
}

async function once(): Promise<void> {
  const meta = await readMeta();
  const clinicId = meta.clinicId;
  if (!clinicId) return;
  if (typeof navigator !== "undefined" && !navigator.onLine) {
    setLive({ online: false });
    return;
  }
  setLive({ syncing: true });
  try {
    const waiting = await db().queue.count();
    // A push goes out with a fresh token (the session may have been revoked meanwhile); a pull
    // alone makes do with the one the session module keeps fresh.
    const token = waiting || !currentToken() ? await refreshSession() : currentToken();
    if (!token) {
      setLive({ waitingForSignIn: true, lastError: problem("sign-in-needed", "Sign in again to sync this device.", 401) });
      return;
    }
    const principal = principalOf(token);
    if (principal) {
      await writeMeta({ principal, lastOnlineAt: isoUtc(Date.now()) });
    }
    if (waiting && !frontDeskOf(token, clinicId)) {
      // Another clinic's staff signed in: the queue waits for this clinic's front desk.
      setLive({ waitingForSignIn: true, lastError: problem("other-clinic", "Only this clinic's front desk can sync it.", 403) });
      return;
    }
    if (waiting) await push(clinicId);
    await pull(clinicId);
    // Whether the device is online is its requests' word (state.ts), not the end of a sync's.
    setLive({ lastError: null, waitingForSignIn: false });
    retryMs = FIRST_RETRY_MS;
  } catch (error) {
    if (error instanceof ProblemError && error.status === 401) {
      setLive({ waitingForSignIn: true, lastError: error });
    } else {
      setLive({ lastError: error });
    }
  } finally {
    setLive({ syncing: false });
    await refresh();
    scheduleRetry();
  }
}

/** Push and pull now; callers at the same time share one run (and one more after it). */
export function syncNow(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        await once();
      } while (again);
    } finally {
      running = null;
    }
  })();
  return running;
}

function scheduleRetry(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  if (!auto || !started || getState().pending === 0) return;
  if (getState().lastError === null) {
    retryMs = FIRST_RETRY_MS;
  }
  const delay = retryMs;
  retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  retryTimer = setTimeout(() => void syncNow(), delay);
}

/** A change was queued: try to push it soon. */
export function kick(): void {
  if (!auto || !started) return;
  if (getState().online) {
    void syncNow();
  } else {
    scheduleRetry();
  }
}

// The online flag itself follows these events in state.ts; here they only start a sync.
const onOnline = () => void syncNow();

/** Start the triggers (once, when offline mode is on) and sync. */
export async function startEngine(): Promise<void> {
  await ensureLoaded();
  if (started || !getState().enabled) return;
  started = true;
  if (!auto) return;
  window.addEventListener("online", onOnline);
  freshTimer = setInterval(() => {
    if (getState().online && !running) void syncNow();
  }, FRESH_MS);
  void syncNow();
}

export function stopEngine(): void {
  started = false;
  clearTimeout(retryTimer);
  clearInterval(freshTimer);
  retryTimer = undefined;
  freshTimer = undefined;
  window.removeEventListener("online", onOnline);
}

/** Tests drive the engine by hand: no timers, listeners or background runs. */
export function setAutoSync(on: boolean): void {
  auto = on;
  if (!on) stopEngine();
}

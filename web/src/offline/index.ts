/**
 * Offline mode of the front desk (issue 18, docs/offline-sync.md): the app's one door to the
 * device's store, its queue of changes and their sync. The screens read through `localFetch`
 * (wired into the API client) and show the state below.
 */
import { useSyncExternalStore } from "react";

import { ProblemError } from "../api/problem";
import { type Principal, principalOf } from "../auth/principal";
import { currentToken } from "../auth/session";
import { db, deviceId, readMeta, wipe, writeMeta, DEFAULT_OFFLINE_HOURS } from "./db";
import { startEngine, stopEngine, syncNow as sync } from "./engine";
import { sessionSeen, setOfflineFlag } from "./gate";
import { pull } from "./pull";
import { ensureLoaded, getMutations, getPendingIds, getState, refresh, subscribe } from "./state";
import { fetchConflicts, postResolve } from "./syncApi";
import { isoUtc } from "./time";
import type { Conflict, MutationView, OfflineState, ResolveBody } from "./types";

export type { Alternative, Conflict, MutationView, OfflineState, OutcomeStatus, ResolveBody } from "./types";
export { localFetch } from "./localApi";
// The light gate (gate.ts) follows the state through these.
export { getState as getOfflineState, subscribe as subscribeOffline } from "./state";

export function useOfflineState(): OfflineState {
  return useSyncExternalStore(subscribe, getState, getState);
}

/** The queue and the latest outcomes, newest first. */
export function useMutations(): MutationView[] {
  return useSyncExternalStore(subscribe, getMutations, getMutations);
}

/** Appointments with changes not yet synced ("waiting to sync"). */
export function usePendingAppointmentIds(): Set<string> {
  return useSyncExternalStore(subscribe, getPendingIds, getPendingIds);
}

/**
 * Keep the clinic on this device: the first pull (a snapshot) fills the store, then the engine
 * runs. Refused (409) while another clinic's changes wait to be synced.
 */
export async function enableOffline(clinicId: string): Promise<void> {
  await ensureLoaded();
  const store = db();
  await deviceId(store);
  const meta = await readMeta(store);
  if (meta.clinicId && meta.clinicId !== clinicId) {
    if ((await store.queue.count()) > 0) {
      throw new ProblemError(409, {
        type: "urn:clinic:problem:unsynced-changes",
        title: "unsynced-changes",
        detail: "This device has changes of another clinic to sync first.",
      });
    }
    stopEngine();
  }
  await pull(clinicId, { snapshot: true });
  await recordSession();
  setOfflineFlag(true);
  await startEngine();
}

/**
 * The signed-in session, as rememberSession records it: while offline mode was off, the gate
 * only noted it, so it is written now (the same principal, time and offline hours).
 */
async function recordSession(): Promise<void> {
  const token = currentToken();
  const principal = token ? principalOf(token) : null;
  if (!principal) return;
  const seen = sessionSeen();
  const same = seen?.principal.id === principal.id ? seen : null;
  await writeMeta({
    principal,
    lastOnlineAt: isoUtc(same?.at ?? Date.now()),
    offlineHours: same?.offlineHours || DEFAULT_OFFLINE_HOURS,
  });
  await refresh();
}

/** Stop keeping the clinic here and wipe the store (the device id stays). Sign-out does this. */
export async function disableOffline(): Promise<void> {
  stopEngine();
  await ensureLoaded();
  await wipe();
  setOfflineFlag(false);
  await refresh();
}

export function syncNow(): Promise<void> {
  return sync();
}

export async function hasUnsynced(): Promise<boolean> {
  return (await db().queue.count()) > 0;
}

/** After an online sign-in or refresh: the app may work offline for `offlineHours` from now. */
export async function rememberSession(principal: Principal, offlineHours: number = DEFAULT_OFFLINE_HOURS): Promise<void> {
  await writeMeta({ principal, lastOnlineAt: isoUtc(Date.now()), offlineHours: offlineHours || DEFAULT_OFFLINE_HOURS });
  await refresh();
  if (getState().enabled && (getState().pending > 0 || getState().waitingForSignIn)) {
    void sync(); // a queue that waited for a sign-in goes now
  }
}

/**
 * The principal of the last online session while still within its offline hours, when offline
 * mode is on (without it, nothing works with no network anyway); otherwise null.
 */
export async function offlineSession(): Promise<{ principal: Principal; until: string } | null> {
  const meta = await readMeta();
  if (!meta.clinicId || !meta.principal || !meta.lastOnlineAt) return null;
  const until = Date.parse(meta.lastOnlineAt) + meta.offlineHours * 3_600_000;
  return Date.now() < until ? { principal: meta.principal, until: isoUtc(until) } : null;
}

/** The clinic's conflict inbox (online). */
export async function listConflicts(clinicId: string, status?: "open" | "resolved"): Promise<Conflict[]> {
  const conflicts = await fetchConflicts(clinicId, status);
  const meta = await readMeta();
  if (status === "open" && meta.clinicId === clinicId) {
    await writeMeta({ openConflicts: conflicts.length });
    await refresh();
  }
  return conflicts;
}

/** Resolve a conflict (online); the store then pulls what the resolution changed. */
export async function resolveConflict(id: string, body: ResolveBody): Promise<Conflict> {
  const resolved = await postResolve(id, body);
  const meta = await readMeta();
  if (meta.clinicId) {
    await writeMeta({ openConflicts: Math.max(0, meta.openConflicts - 1) });
    await refresh();
    void sync();
  }
  return resolved;
}

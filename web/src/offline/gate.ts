/**
 * The light door to offline mode, for the modules of the app's first script. Offline mode (its
 * store on Dexie, its engine) is a separate chunk: a device never switched to offline mode, as
 * every patient's phone, never loads it. Whether this device is in offline mode is a flag in
 * localStorage, readable at once; with it off, everything here is plain fetch, a disabled state
 * and no-ops; with it on, each call loads the chunk and goes there.
 */
import { useSyncExternalStore } from "react";

import type { Principal } from "../auth/principal";
import type { OfflineState } from "./types";

export type { OfflineState };

type Offline = typeof import("./index");

const FLAG = "clinic.offline";

export function offlineOn(): boolean {
  try {
    return localStorage.getItem(FLAG) === "1";
  } catch {
    return false; // no storage (a locked-down browser): no offline mode either
  }
}

let loading: Promise<Offline> | null = null;
let loaded: Offline | null = null;

/** The offline chunk, imported once. */
export function loadOffline(): Promise<Offline> {
  loading ??= import("./index").then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = null; // a chunk that failed to arrive may arrive next time
      throw error;
    },
  );
  return loading;
}

/** The API client's fetch: plain fetch unless this device is in offline mode. */
export function localFetch(request: Request): Promise<Response> {
  if (!offlineOn()) return globalThis.fetch(request);
  return loadOffline().then((offline) => offline.localFetch(request));
}

const listeners = new Set<() => void>();
let attached = false;

function emit(): void {
  listeners.forEach((listener) => listener());
}

/** Follow the offline chunk's state (once it is here) for this module's listeners. */
function attach(): void {
  if (attached) return;
  attached = true;
  loadOffline().then(
    (offline) => {
      offline.subscribeOffline(emit);
      emit();
    },
    () => {
      attached = false;
    },
  );
}

/** Switch the flag; offline mode's enable and disable call this. */
export function setOfflineFlag(on: boolean): void {
  try {
    if (on) localStorage.setItem(FLAG, "1");
    else localStorage.removeItem(FLAG);
  } catch {
    // no storage: the flag stays off, and offline mode with it after a reload
  }
  if (on && listeners.size) attach();
  emit();
}

function idle(online: boolean): OfflineState {
  return {
    enabled: false,
    clinicId: null,
    online,
    pending: 0,
    syncing: false,
    progress: null,
    lastPullAt: null,
    lastError: null,
    openConflicts: 0,
    sessionUntil: null,
    waitingForSignIn: false,
  };
}

let disabled = idle(typeof navigator === "undefined" ? true : navigator.onLine);

if (typeof window !== "undefined") {
  const follow = (online: boolean) => () => {
    disabled = idle(online);
    if (!offlineOn()) emit();
  };
  window.addEventListener("online", follow(true));
  window.addEventListener("offline", follow(false));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (offlineOn()) attach();
  return () => listeners.delete(listener);
}

const snapshot = (): OfflineState => (loaded && offlineOn() ? loaded.getOfflineState() : disabled);

/** Offline mode's state; disabled while the device is not in offline mode. */
export function useOfflineState(): OfflineState {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/*
 * The last session renewed while offline mode was off: switching it on (in the desk's chunk)
 * records it on the device, as rememberSession would have.
 */
let lastSession: { principal: Principal; offlineHours: number; at: number } | null = null;

export function sessionSeen(): { principal: Principal; offlineHours: number; at: number } | null {
  return lastSession;
}

/** After an online sign-in or refresh: see the offline chunk's rememberSession. */
export async function rememberSession(principal: Principal, offlineHours?: number): Promise<void> {
  lastSession = { principal, offlineHours: offlineHours ?? 0, at: Date.now() };
  if (offlineOn()) await (await loadOffline()).rememberSession(principal, offlineHours);
}

export async function offlineSession(): Promise<{ principal: Principal; until: string } | null> {
  return offlineOn() ? (await loadOffline()).offlineSession() : null;
}

export async function disableOffline(): Promise<void> {
  lastSession = null;
  if (offlineOn()) await (await loadOffline()).disableOffline();
}

export async function hasUnsynced(): Promise<boolean> {
  return offlineOn() ? (await loadOffline()).hasUnsynced() : false;
}

export async function syncNow(): Promise<void> {
  if (offlineOn()) await (await loadOffline()).syncNow();
}

/**
 * The offline layer's state for the screens: read from the store after each change and handed
 * to React through useSyncExternalStore (one snapshot object until something changes).
 */
import { db, readMeta, type QueuedMutation } from "./db";
import type { MutationView, OfflineState } from "./types";

const HISTORY_SHOWN = 100;

interface Live {
  online: boolean;
  syncing: boolean;
  progress: { done: number; total: number } | null;
  lastError: unknown;
  waitingForSignIn: boolean;
}

let live: Live = {
  online: typeof navigator === "undefined" ? true : navigator.onLine,
  syncing: false,
  progress: null,
  lastError: null,
  waitingForSignIn: false,
};

export const IDLE: OfflineState = {
  enabled: false,
  clinicId: null,
  pending: 0,
  lastPullAt: null,
  openConflicts: 0,
  sessionUntil: null,
  ...live,
};

let state: OfflineState = IDLE;
let mutations: MutationView[] = [];
let pendingIds: Set<string> = new Set();
let loaded: Promise<void> | null = null;
const listeners = new Set<() => void>();

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  void ensureLoaded();
  return () => listeners.delete(listener);
}

export const getState = (): OfflineState => state;
export const getMutations = (): MutationView[] => mutations;
export const getPendingIds = (): Set<string> => pendingIds;

function emit(): void {
  listeners.forEach((listener) => listener());
}

/** Change what lives only in memory (network, sync in flight), and tell the screens. */
export function setLive(changes: Partial<Live>): void {
  live = { ...live, ...changes };
  state = { ...state, ...changes };
  emit();
}

/*
 * Whether the device is online follows the browser's online/offline events and the outcome of
 * the last request, never the end of a sync: a sync that ends just after the network dropped
 * says nothing of the network now. A request's outcome counts only if the browser said nothing
 * while it was on its way (its word is newer), and a success only while the browser says online.
 */
let networkEvents = 0;

function browserSays(online: boolean): void {
  networkEvents += 1;
  setLive({ online });
}

if (typeof window !== "undefined") {
  window.addEventListener("online", () => browserSays(true));
  window.addEventListener("offline", () => browserSays(false));
}

/** A request goes out: what to hand to `requestEnded` when it comes back. */
export function requestStarted(): number {
  return networkEvents;
}

/** A request came back (`reached`: the server answered) or failed for want of a network. */
export function requestEnded(started: number, reached: boolean): void {
  if (started !== networkEvents) return;
  const online = reached && (typeof navigator === "undefined" || navigator.onLine !== false);
  if (online !== live.online) setLive({ online });
}

export function view(m: QueuedMutation): MutationView {
  const out: MutationView = { id: m.id, seq: m.seq, kind: m.kind, summary: m.summary, recordedAt: m.recorded_at, status: m.status };
  if (m.outcome?.problem) out.problem = m.outcome.problem;
  if (m.outcome?.conflict_id) out.conflictId = m.outcome.conflict_id;
  if (m.outcome?.alternatives) out.alternatives = m.outcome.alternatives;
  if (m.outcome?.blocked_by) out.blockedBy = m.outcome.blocked_by;
  return out;
}

/** Read the store again after a change to it. */
export async function refresh(): Promise<void> {
  const store = db();
  const [meta, queue, history] = await Promise.all([
    readMeta(store),
    store.queue.orderBy("seq").toArray(),
    store.history.orderBy("seq").reverse().limit(HISTORY_SHOWN).toArray(),
  ]);
  const until = meta.lastOnlineAt && meta.principal ? new Date(Date.parse(meta.lastOnlineAt) + meta.offlineHours * 3_600_000).toISOString() : null;
  state = {
    ...live,
    enabled: meta.clinicId !== null,
    clinicId: meta.clinicId,
    pending: queue.length,
    lastPullAt: meta.lastPullAt,
    openConflicts: meta.openConflicts,
    sessionUntil: until,
  };
  mutations = [...queue, ...history].sort((a, b) => b.seq - a.seq).map(view);
  const ids = new Set<string>();
  for (const m of queue) {
    const id = m.args.appointment_id;
    if (typeof id === "string") ids.add(id);
  }
  pendingIds = ids;
  emit();
}

/** Load the state once (the first read, hook or request after start-up). */
export function ensureLoaded(): Promise<void> {
  loaded ??= refresh().catch((error: unknown) => {
    // No IndexedDB here (a private window, an old browser): offline mode stays off.
    console.warn("offline store unavailable", error);
  });
  return loaded;
}

/** Forget what was loaded, as a reload would (tests). */
export function forgetLoaded(): void {
  loaded = null;
  state = IDLE;
  mutations = [];
  pendingIds = new Set();
}

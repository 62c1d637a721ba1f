/**
 * The browser session: the access token lives only in this module's memory; the refresh token
 * is an HttpOnly cookie the page never sees, scoped by identity to /v1/auth/session.
 */

const SESSION = "/v1/auth/session";
// Identity refuses the cookie routes without it: a cross-site form cannot send a custom header.
const CSRF_HEADER = { "X-Requested-With": "clinic-web" };
const REFRESH_MARGIN_SECONDS = 30;
// How long a device may go on offline after an online sign-in, when identity does not say.
const DEFAULT_OFFLINE_HOURS = 72;
// A sign-out made with no network: the cookie is still valid, so it is ended at the next start.
const PENDING_LOGOUT = "clinic.session.logout";

interface AccessToken {
  access_token: string;
  expires_in: number;
  offline_hours?: number;
}

let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<string | null> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();
const renewals = new Set<(token: string, offlineHours: number) => void>();
let lastRefresh: "renewed" | "refused" | "busy" | "unreachable" | null = null;

export function currentToken(): string | null {
  return accessToken;
}

/** Called with false when the session ends (sign-out, or a refresh the server refused). */
export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called with each token the server issues (sign-in, refresh) and its `offline_hours`. */
export function onSessionRenewed(listener: (token: string, offlineHours: number) => void): () => void {
  renewals.add(listener);
  return () => renewals.delete(listener);
}

/** Whether the server refused the last refresh: the session is over. */
export function sessionRefused(): boolean {
  return lastRefresh === "refused";
}

function adopt(token: AccessToken | null): string | null {
  clearTimeout(refreshTimer);
  const wasSignedIn = accessToken !== null;
  accessToken = token?.access_token ?? null;
  if (token) {
    const delay = Math.max(5, token.expires_in - REFRESH_MARGIN_SECONDS) * 1000;
    refreshTimer = setTimeout(() => void refreshSession(), delay);
  }
  if (token) {
    const hours = token.offline_hours ?? DEFAULT_OFFLINE_HOURS;
    renewals.forEach((listener) => listener(token.access_token, hours));
  }
  if (wasSignedIn !== (accessToken !== null)) {
    listeners.forEach((listener) => listener(accessToken !== null));
  }
  return accessToken;
}

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { ...CSRF_HEADER, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** Sign in; the answer is returned as is so the form can show a 401 or 429. */
export async function signIn(username: string, password: string): Promise<Response> {
  const response = await post(SESSION, { username, password });
  if (response.ok) {
    adopt((await response.clone().json()) as AccessToken);
  }
  return response;
}

/** A new access token from the cookie; one request however many callers ask at once. */
export function refreshSession(): Promise<string | null> {
  inFlight ??= (async () => {
    try {
      if (localStorage.getItem(PENDING_LOGOUT)) {
        await post(`${SESSION}/logout`);
        localStorage.removeItem(PENDING_LOGOUT);
        lastRefresh = "refused";
        return adopt(null);
      }
      const response = await post(`${SESSION}/refresh`);
      if (response.ok) {
        lastRefresh = "renewed";
        return adopt((await response.json()) as AccessToken);
      }
      if (response.status === 401 || response.status === 403) {
        lastRefresh = "refused";
        return adopt(null);
      }
      lastRefresh = "busy";
      return accessToken; // the server is busy: keep what we have and try again later
    } catch {
      lastRefresh = "unreachable";
      return accessToken; // offline: the session is not over
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

/** End the session on the server and forget the token here. */
export async function signOut(): Promise<void> {
  try {
    await post(`${SESSION}/logout`);
  } catch {
    localStorage.setItem(PENDING_LOGOUT, "1"); // no network: ended at the next start instead
  } finally {
    adopt(null);
  }
}

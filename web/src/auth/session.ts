/**
 * The browser session: the access token lives only in this module's memory; the refresh token
 * is an HttpOnly cookie the page never sees, scoped by identity to /v1/auth/session.
 */

const SESSION = "/v1/auth/session";
// Identity refuses the cookie routes without it: a cross-site form cannot send a custom header.
const CSRF_HEADER = { "X-Requested-With": "clinic-web" };
const REFRESH_MARGIN_SECONDS = 30;

interface AccessToken {
  access_token: string;
  expires_in: number;
}

let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<string | null> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function currentToken(): string | null {
  return accessToken;
}

/** Called with false when the session ends (sign-out, or a refresh the server refused). */
export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function adopt(token: AccessToken | null): string | null {
  clearTimeout(refreshTimer);
  const wasSignedIn = accessToken !== null;
  accessToken = token?.access_token ?? null;
  if (token) {
    const delay = Math.max(5, token.expires_in - REFRESH_MARGIN_SECONDS) * 1000;
    refreshTimer = setTimeout(() => void refreshSession(), delay);
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
      const response = await post(`${SESSION}/refresh`);
      if (response.ok) {
        return adopt((await response.json()) as AccessToken);
      }
      if (response.status === 401 || response.status === 403) {
        return adopt(null);
      }
      return accessToken; // the server is busy: keep what we have and try again later
    } catch {
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
  } finally {
    adopt(null);
  }
}

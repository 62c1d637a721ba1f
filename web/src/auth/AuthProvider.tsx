/**
 * Who is signed in: restored from the refresh cookie on load, cleared when the session ends.
 *
 * Two things are known about them, at different times. `principal` (who, with which roles) is
 * what screens are let in on; on a reload it is read from the access token the refresh returns,
 * so a screen and its first reads start at once instead of after another round trip. `user`
 * (the profile: name, language, …) follows from /v1/me, and is only shown. Signing in waits for
 * both, so the page it leads to has the person's language from the start.
 *
 * A front desk device in offline mode keeps the principal of its last online sign-in: started
 * with no network, it stays signed in as them (no token: reads come from the device's store,
 * writes are queued) until the offline session's end, or until the network is back and the
 * server refreshes the session (or refuses it).
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, use, useCallback, useEffect, useMemo, useRef, useState } from "react";

import { api } from "../api/client";
import type { components } from "../api/schema";
import { asLanguage, setLanguage } from "../i18n";
import { disableOffline, offlineSession, rememberSession } from "../offline/gate";
import { type Principal, principalOf } from "./principal";
import * as session from "./session";

export type User = components["schemas"]["UserRead"];
export type { Principal };
type Status = "restoring" | "anonymous" | "signed-in";

interface AuthState {
  status: Status;
  /** Who is signed in and their roles: decides what they may open. */
  principal: Principal | null;
  /** Their profile from /v1/me; may arrive after `principal` on a reload. */
  user: User | null;
  /** Signed in from the device's offline session, with no network: until when (ISO), else null. */
  offlineUntil: string | null;
  /** Sign in; resolves to the failed Response (401, 429) or null on success. */
  signIn: (username: string, password: string) => Promise<Response | null>;
  /** End the session and wipe the device's offline store (callers warn about unsynced changes). */
  signOut: () => Promise<void>;
  reloadUser: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** The profile; `low` when only shown, so a screen's first reads go out before it. */
async function fetchMe(priority: RequestPriority = "auto"): Promise<User | null> {
  try {
    const { data } = await api.GET("/v1/me", { priority });
    return data ?? null;
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>("restoring");
  const [principal, setPrincipal] = useState<Principal | null>(null);
  const [user, setUser] = useState<User | null>(null);
  const [offlineUntil, setOfflineUntil] = useState<string | null>(null);
  const offline = useRef(false);

  const endSession = useCallback(() => {
    offline.current = false;
    setOfflineUntil(null);
    setUser(null);
    setPrincipal(null);
    setStatus("anonymous");
    queryClient.clear(); // nothing of the last person stays on a shared desk tablet
  }, [queryClient]);

  /** The profile from /v1/me; unless the token's roles are `known`, it also decides who is in. */
  const adoptUser = useCallback(async (known: Principal | null = null) => {
    const me = await fetchMe(known ? "low" : "auto");
    if (known && !session.currentToken()) {
      return; // the session ended while the profile was on its way
    }
    setUser(me);
    setPrincipal(known ?? me);
    setStatus(known || me ? "signed-in" : "anonymous");
    const language = asLanguage(me?.preferred_language);
    if (language && !localStorage.getItem("clinic.language")) {
      await setLanguage(language);
    }
  }, []);

  useEffect(() => {
    // Every token from the server renews how long this device may go on offline.
    const unrenewed = session.onSessionRenewed((token, hours) => {
      const who = principalOf(token);
      if (who) {
        void rememberSession(who, hours).catch(() => undefined);
      }
    });
    // A reload: the cookie, if any, brings the session back. Screens go on as soon as the
    // token says who it is for; a token that does not say waits for /v1/me, as sign-in does.
    void session.refreshSession().then(async (token) => {
      if (!token) {
        // No answer (or a busy server), not a refusal: the device's offline session may carry on.
        const kept = session.sessionRefused() ? null : await offlineSession().catch(() => null);
        const usable = !!kept && Date.parse(kept.until) > Date.now();
        if (kept && usable) {
          offline.current = true;
          setOfflineUntil(kept.until);
          setPrincipal(kept.principal);
        }
        setStatus(usable ? "signed-in" : "anonymous");
        return;
      }
      const known = principalOf(token);
      if (known) {
        setPrincipal(known);
        setStatus("signed-in");
      }
      return adoptUser(known);
    });
    const unchanged = session.onSessionChange((signedIn) => {
      const token = session.currentToken();
      if (signedIn && offline.current && token) {
        // Back online: the server renewed the offline session.
        offline.current = false;
        setOfflineUntil(null);
        void adoptUser(principalOf(token));
      } else if (!signedIn) {
        endSession();
      }
    });
    return () => {
      unrenewed();
      unchanged();
    };
  }, [adoptUser, endSession]);

  useEffect(() => {
    if (!offlineUntil) {
      return;
    }
    // The network is back: the server renews the session, or refuses it (the queue then waits
    // for a staff member of the clinic to sign in).
    const reconnect = () =>
      void session.refreshSession().then((token) => {
        if (!token && session.sessionRefused()) {
          endSession();
        }
      });
    window.addEventListener("online", reconnect);
    const expiry = setTimeout(endSession, Math.min(Date.parse(offlineUntil) - Date.now(), 2 ** 31 - 1));
    return () => {
      window.removeEventListener("online", reconnect);
      clearTimeout(expiry);
    };
  }, [offlineUntil, endSession]);

  const value = useMemo<AuthState>(
    () => ({
      status,
      principal,
      user,
      offlineUntil,
      async signIn(username, password) {
        const response = await session.signIn(username, password);
        if (!response.ok) {
          return response;
        }
        await adoptUser();
        return null;
      },
      async signOut() {
        try {
          await disableOffline();
        } finally {
          await session.signOut().finally(endSession);
        }
      },
      reloadUser: () => adoptUser(),
    }),
    [status, principal, user, offlineUntil, adoptUser, endSession],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthState {
  const state = use(AuthContext);
  if (!state) {
    throw new Error("useAuth outside AuthProvider");
  }
  return state;
}

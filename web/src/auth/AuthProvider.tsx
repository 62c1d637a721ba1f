/**
 * Who is signed in: restored from the refresh cookie on load, cleared when the session ends.
 *
 * Two things are known about them, at different times. `principal` (who, with which roles) is
 * what screens are let in on; on a reload it is read from the access token the refresh returns,
 * so a screen and its first reads start at once instead of after another round trip. `user`
 * (the profile: name, language, …) follows from /v1/me, and is only shown. Signing in waits for
 * both, so the page it leads to has the person's language from the start.
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, use, useCallback, useEffect, useMemo, useState } from "react";

import { api } from "../api/client";
import type { components } from "../api/schema";
import { asLanguage, setLanguage } from "../i18n";
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
  /** Sign in; resolves to the failed Response (401, 429) or null on success. */
  signIn: (username: string, password: string) => Promise<Response | null>;
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
    // A reload: the cookie, if any, brings the session back. Screens go on as soon as the
    // token says who it is for; a token that does not say waits for /v1/me, as sign-in does.
    void session.refreshSession().then((token) => {
      if (!token) {
        setStatus("anonymous");
        return;
      }
      const known = principalOf(token);
      if (known) {
        setPrincipal(known);
        setStatus("signed-in");
      }
      return adoptUser(known);
    });
    return session.onSessionChange((signedIn) => {
      if (!signedIn) {
        setUser(null);
        setPrincipal(null);
        setStatus("anonymous");
        queryClient.clear(); // nothing of the last person stays on a shared desk tablet
      }
    });
  }, [adoptUser, queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      status,
      principal,
      user,
      async signIn(username, password) {
        const response = await session.signIn(username, password);
        if (!response.ok) {
          return response;
        }
        await adoptUser();
        return null;
      },
      signOut: session.signOut,
      reloadUser: () => adoptUser(),
    }),
    [status, principal, user, adoptUser],
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

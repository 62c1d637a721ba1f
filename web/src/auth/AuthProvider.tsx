/** Who is signed in: restored from the refresh cookie on load, cleared when the session ends. */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, use, useCallback, useEffect, useMemo, useState } from "react";

import { api } from "../api/client";
import type { components } from "../api/schema";
import { asLanguage, setLanguage } from "../i18n";
import * as session from "./session";

export type User = components["schemas"]["UserRead"];
type Status = "restoring" | "anonymous" | "signed-in";

interface AuthState {
  status: Status;
  user: User | null;
  /** Sign in; resolves to the failed Response (401, 429) or null on success. */
  signIn: (username: string, password: string) => Promise<Response | null>;
  signOut: () => Promise<void>;
  reloadUser: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

async function fetchMe(): Promise<User | null> {
  try {
    const { data } = await api.GET("/v1/me");
    return data ?? null;
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>("restoring");
  const [user, setUser] = useState<User | null>(null);

  const adoptUser = useCallback(async () => {
    const me = await fetchMe();
    setUser(me);
    setStatus(me ? "signed-in" : "anonymous");
    const language = asLanguage(me?.preferred_language);
    if (language && !localStorage.getItem("clinic.language")) {
      await setLanguage(language);
    }
  }, []);

  useEffect(() => {
    // A reload: the cookie, if any, brings the session back.
    void session.refreshSession().then((token) => (token ? adoptUser() : setStatus("anonymous")));
    return session.onSessionChange((signedIn) => {
      if (!signedIn) {
        setUser(null);
        setStatus("anonymous");
        queryClient.clear(); // nothing of the last person stays on a shared desk tablet
      }
    });
  }, [adoptUser, queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      status,
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
      reloadUser: adoptUser,
    }),
    [status, user, adoptUser],
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

/**
 * Routes for signed-in people: others go to sign-in and come back after.
 *
 * The guarded screen does not wait for the session more than it must: its code starts loading
 * while the session is restored, and its first reads as soon as the roles let the person in
 * (from the access token, before their profile arrives). See lazyScreen.ts.
 */
import { Center, Loader } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";

import { type Principal, useAuth } from "../auth/AuthProvider";
import { screenIn } from "./lazyScreen";

export function RequireAuth({ children, allow }: { children: ReactNode; allow?: (who: Principal) => boolean }) {
  const { status, principal } = useAuth();
  const location = useLocation();
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  const restoring = status === "restoring";
  const allowed = !!principal && (!allow || allow(principal));
  const screen = screenIn(children);

  useEffect(() => {
    if (restoring) {
      // Just after the session's refresh has gone out (AuthProvider's effect runs after this
      // one): over HTTP/1.1's six connections the code would otherwise queue it a round trip.
      let cancelled = false;
      queueMicrotask(() => cancelled || screen?.preload());
      return () => {
        cancelled = true;
      };
    }
    if (allowed) {
      screen?.prefetch(queryClient);
    }
  }, [screen, restoring, allowed, queryClient]);

  if (restoring) {
    return (
      <Center p="xl">
        <Loader role="status" aria-label={t("app.loading")} />
      </Center>
    );
  }
  if (!principal) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  if (!allowed) {
    return <Navigate to="/" replace />;
  }
  return <>{children}</>;
}

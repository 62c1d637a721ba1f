/** Routes for signed-in people: others go to sign-in and come back after. */
import { Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";

import { useAuth, type User } from "../auth/AuthProvider";

export function RequireAuth({ children, allow }: { children: ReactNode; allow?: (user: User) => boolean }) {
  const { status, user } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (status === "restoring") {
    return (
      <Center p="xl">
        <Loader role="status" aria-label={t("app.loading")} />
      </Center>
    );
  }
  if (!user) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  if (allow && !allow(user)) {
    return <Navigate to="/" replace />;
  }
  return <>{children}</>;
}

/** The account screens, mounted under the app's layout; each loads on its first visit. */
import { Center, Loader } from "@mantine/core";
import { type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Route } from "react-router";

import { isPatient } from "../../auth/roles";
import { lazyScreen } from "../../components/lazyScreen";
import { RequireAuth } from "../../components/RequireAuth";

const RegisterPage = lazyScreen(() => import("./RegisterPage").then((m) => ({ default: m.RegisterPage })));
const ProfilePage = lazyScreen(() => import("./ProfilePage").then((m) => ({ default: m.ProfilePage })));
const NotificationsPage = lazyScreen(() => import("./NotificationsPage").then((m) => ({ default: m.NotificationsPage })));
const WaitlistPage = lazyScreen(() => import("./WaitlistPage").then((m) => ({ default: m.WaitlistPage })));

function Loading() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Loader role="status" aria-label={t("app.loading")} />
    </Center>
  );
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export const accountRoutes = (
  <>
    <Route
      path="register"
      element={
        <Lazy>
          <RegisterPage />
        </Lazy>
      }
    />
    <Route
      path="account"
      element={
        <RequireAuth>
          <Lazy>
            <ProfilePage />
          </Lazy>
        </RequireAuth>
      }
    />
    <Route
      path="account/notifications"
      element={
        <RequireAuth allow={isPatient}>
          <Lazy>
            <NotificationsPage />
          </Lazy>
        </RequireAuth>
      }
    />
    <Route
      path="waitlist"
      element={
        <RequireAuth allow={isPatient}>
          <Lazy>
            <WaitlistPage />
          </Lazy>
        </RequireAuth>
      }
    />
  </>
);

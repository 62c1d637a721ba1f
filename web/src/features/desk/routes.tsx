/** The desk screens, mounted under the app's layout; loaded only when a desk person opens them. */
import { Center, Loader } from "@mantine/core";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Route } from "react-router";

import { isDesk } from "../../auth/roles";
import { lazyScreen } from "../../components/lazyScreen";
import { RequireAuth } from "../../components/RequireAuth";

const DeskDay = lazyScreen(() => import("./DeskDay"));
const DeskPatients = lazyScreen(() => import("./DeskPatients"));
const DeskSync = lazyScreen(() => import("./DeskSync"));

function Loading() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Loader role="status" aria-label={t("app.loading")} />
    </Center>
  );
}
const loading = <Loading />;

export const deskRoutes = (
  <>
    <Route
      path="desk"
      element={
        <RequireAuth allow={isDesk}>
          <Suspense fallback={loading}>
            <DeskDay />
          </Suspense>
        </RequireAuth>
      }
    />
    <Route
      path="desk/patients"
      element={
        <RequireAuth allow={isDesk}>
          <Suspense fallback={loading}>
            <DeskPatients />
          </Suspense>
        </RequireAuth>
      }
    />
    <Route
      path="desk/sync"
      element={
        <RequireAuth allow={isDesk}>
          <Suspense fallback={loading}>
            <DeskSync />
          </Suspense>
        </RequireAuth>
      }
    />
  </>
);

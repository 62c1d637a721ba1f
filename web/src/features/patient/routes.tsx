/** The patient screens, mounted under the app's layout; each loads when first visited. */
import { Center, Loader } from "@mantine/core";
import { lazy, type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Route } from "react-router";

import { isPatient } from "../../auth/roles";
import { RequireAuth } from "../../components/RequireAuth";

const BookPage = lazy(() => import("./BookPage").then((m) => ({ default: m.BookPage })));
const AppointmentsPage = lazy(() => import("./AppointmentsPage").then((m) => ({ default: m.AppointmentsPage })));
const AppointmentDetailPage = lazy(() =>
  import("./AppointmentDetailPage").then((m) => ({ default: m.AppointmentDetailPage })),
);

function Patient({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <RequireAuth allow={isPatient}>
      <Suspense
        fallback={
          <Center p="xl">
            <Loader role="status" aria-label={t("app.loading")} />
          </Center>
        }
      >
        {children}
      </Suspense>
    </RequireAuth>
  );
}

export const patientRoutes = (
  <>
    <Route path="book" element={<Patient><BookPage /></Patient>} />
    <Route path="appointments" element={<Patient><AppointmentsPage /></Patient>} />
    <Route path="appointments/:id" element={<Patient><AppointmentDetailPage /></Patient>} />
  </>
);

/** The patient screens, mounted under the app's layout; each loads when first visited. */
import { Center, Loader } from "@mantine/core";
import { type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Route } from "react-router";

import { isPatient } from "../../auth/roles";
import { lazyScreen } from "../../components/lazyScreen";
import { RequireAuth } from "../../components/RequireAuth";
import { prefetchClinics } from "./data";

// /book's first choice is the clinic: its list loads alongside the page's code, not after it.
const BookPage = lazyScreen(() => import("./BookPage").then((m) => ({ default: m.BookPage })), {
  prefetch: prefetchClinics,
});
const AppointmentsPage = lazyScreen(() => import("./AppointmentsPage").then((m) => ({ default: m.AppointmentsPage })));
const AppointmentDetailPage = lazyScreen(() =>
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

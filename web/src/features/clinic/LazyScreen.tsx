/** A lazily loaded staff screen behind its role check, with a spinner while its code arrives. */
import { Center, Loader } from "@mantine/core";
import { type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";

import type { Principal } from "../../auth/AuthProvider";
import { RequireAuth } from "../../components/RequireAuth";

function Loading() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Loader role="status" aria-label={t("app.loading")} />
    </Center>
  );
}

export function LazyScreen({ allow, children }: { allow: (who: Principal) => boolean; children: ReactNode }) {
  return (
    <RequireAuth allow={allow}>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </RequireAuth>
  );
}

import { Button, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, Navigate } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { homePath } from "../auth/roles";
import { Page } from "../components/Page";

/** Signed in: straight to one's own start page. Otherwise: what the app is for. */
export function Home() {
  const { t } = useTranslation();
  const { principal, status } = useAuth();
  if (status === "restoring") {
    return null;
  }
  if (principal) {
    return <Navigate to={homePath(principal)} replace />;
  }
  return (
    <Page title={t("home.title")}>
      <Text>{t("home.intro")}</Text>
      <Group>
        <Button component={Link} to="/book">
          {t("home.book")}
        </Button>
        <Button component={Link} to="/sign-in" variant="light">
          {t("auth.signIn")}
        </Button>
        <Button component={Link} to="/register" variant="subtle">
          {t("auth.register")}
        </Button>
      </Group>
    </Page>
  );
}

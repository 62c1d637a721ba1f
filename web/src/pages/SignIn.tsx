import { Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useLocation, useNavigate } from "react-router";

import { problemFrom } from "../api/problem";
import { useAuth } from "../auth/AuthProvider";
import { homePath } from "../auth/roles";
import { Page } from "../components/Page";
import { ProblemAlert } from "../components/ProblemAlert";

export function SignIn() {
  const { t } = useTranslation();
  const { signIn, principal } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: "uncontrolled",
    initialValues: { username: "", password: "" },
    validate: {
      username: (v) => (v.trim() ? null : t("auth.usernameRequired")),
      password: (v) => (v ? null : t("auth.passwordRequired")),
    },
  });

  if (principal) {
    return <Navigate to={from ?? homePath(principal)} replace />;
  }

  const submit = form.onSubmit(async ({ username, password }) => {
    setBusy(true);
    setFailure(null);
    try {
      const refused = await signIn(username.trim(), password);
      if (refused) {
        setFailure(await problemFrom(refused));
      } else {
        void navigate(from ?? "/", { replace: true });
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  });

  return (
    <Page title={t("auth.signInTitle")}>
      <Paper withBorder p="md" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label={t("auth.username")}
              description={t("auth.usernameHint")}
              autoComplete="username"
              required
              key={form.key("username")}
              {...form.getInputProps("username")}
            />
            <PasswordInput
              label={t("auth.password")}
              autoComplete="current-password"
              required
              key={form.key("password")}
              {...form.getInputProps("password")}
            />
            <ProblemAlert error={failure} />
            <Button type="submit" loading={busy}>
              {t("auth.signIn")}
            </Button>
            <Text size="sm">
              {t("auth.noAccount")}{" "}
              <Anchor component={Link} to="/register">
                {t("auth.register")}
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}

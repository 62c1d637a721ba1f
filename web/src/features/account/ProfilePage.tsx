/** One's own details, language and consent, and a new password. */
import { Alert, Button, Checkbox, Group, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../api/commands";
import { isProblem, ProblemError } from "../../api/problem";
import { $api } from "../../api/query";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthProvider";
import { applyFieldErrors } from "../../components/formErrors";
import { Page } from "../../components/Page";
import { notify } from "./notify";
import { ProblemAlert } from "../../components/ProblemAlert";
import { asLanguage, setLanguage } from "../../i18n";
import { fromIso, isoDate } from "./birthDate";
import { BirthDateInput } from "./BirthDateInput";
import { LanguageChoice } from "./LanguageChoice";
import { passwordReasons, PasswordRules, StrengthHint, usePasswordPolicy } from "./PasswordRules";
import { isE164, normalisePhone } from "./phone";
import { birthDateError } from "./RegisterPage";

type User = components["schemas"]["UserRead"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function ProfilePage() {
  const { t } = useTranslation(["account", "common"]);
  const me = $api.useQuery("get", "/v1/me");
  return (
    <Page title={t("profile.title")}>
      {me.isPending && <Loader role="status" aria-label={t("common:app.loading")} />}
      {me.isError && <ProblemAlert error={me.error} />}
      {me.data && (
        <>
          <DetailsForm user={me.data} />
          <PasswordForm user={me.data} />
        </>
      )}
    </Page>
  );
}

function valuesOf(user: User) {
  return {
    full_name: user.full_name,
    phone: user.phone ?? "",
    email: user.email ?? "",
    date_of_birth: fromIso(user.date_of_birth),
    preferred_language: asLanguage(user.preferred_language) ?? "en",
    consent: { sms: user.consent.sms, whatsapp: user.consent.whatsapp },
  };
}

function DetailsForm({ user }: { user: User }) {
  const { t, i18n } = useTranslation(["account", "common"]);
  const { reloadUser } = useAuth();
  const update = useCommand("patch", "/v1/me");
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm({
    initialValues: valuesOf(user),
    validate: {
      full_name: (v) => (v.trim() ? null : t("validation.fullName")),
      phone: (v) => (!v.trim() && !user.phone ? null : isE164(normalisePhone(v)) ? null : t("validation.phone")),
      email: (v) =>
        !v.trim() ? (user.email ? t("validation.emailKeep") : null) : EMAIL.test(v.trim()) ? null : t("validation.email"),
      date_of_birth: (v) => (!v && user.date_of_birth ? t("validation.birthDate") : birthDateError(v, t)),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    const phone = normalisePhone(values.phone);
    try {
      const saved = await update.mutateAsync({
        body: {
          full_name: values.full_name.trim(),
          ...(phone ? { phone } : {}),
          ...(values.email.trim() ? { email: values.email.trim() } : {}),
          ...(isoDate(values.date_of_birth) ? { date_of_birth: isoDate(values.date_of_birth) } : {}),
          preferred_language: values.preferred_language,
          consent: values.consent,
        },
      });
      form.setValues(valuesOf(saved));
      form.resetDirty(valuesOf(saved));
      const language = asLanguage(saved.preferred_language);
      if (language) {
        await setLanguage(language); // the messages' language is the screen's too
      }
      await reloadUser();
      // Not `t`: it keeps the language of the render before the switch.
      notify(i18n.t("profile.saved", { ns: "account" }));
    } catch (error) {
      applyFieldErrors(form, error);
      setFailure(error);
    }
  });

  return (
    <Paper withBorder p="md" maw={560} component="section" aria-labelledby="profile-details">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4" id="profile-details">
            {t("profile.details")}
          </Title>
          <TextInput label={t("fields.fullName")} autoComplete="name" required {...form.getInputProps("full_name")} />
          <TextInput
            label={t("fields.phone")}
            description={t("profile.phoneHint")}
            type="tel"
            autoComplete="tel"
            {...form.getInputProps("phone")}
          />
          <TextInput label={t("fields.email")} type="email" autoComplete="email" {...form.getInputProps("email")} />
          <BirthDateInput label={t("fields.birthDate")} {...form.getInputProps("date_of_birth")} />
          <LanguageChoice
            label={t("fields.language")}
            description={t("profile.languageHint")}
            {...form.getInputProps("preferred_language")}
          />
          <Stack gap={6} component="fieldset" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
            <Text component="legend" size="sm" fw={600} p={0}>
              {t("fields.consentLegend")}
            </Text>
            <Text size="xs" c="gray.7">
              {t("fields.consentHint")}
            </Text>
            <Checkbox
              label={t("fields.consentSms")}
              styles={{ body: { minHeight: 40, alignItems: "center" } }}
              {...form.getInputProps("consent.sms", { type: "checkbox" })}
            />
            <Checkbox
              label={t("fields.consentWhatsapp")}
              styles={{ body: { minHeight: 40, alignItems: "center" } }}
              {...form.getInputProps("consent.whatsapp", { type: "checkbox" })}
            />
          </Stack>
          <ProblemAlert error={failure} />
          <Group>
            <Button type="submit" loading={update.isPending}>
              {t("common:actions.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function PasswordForm({ user }: { user: User }) {
  const { t } = useTranslation(["account", "common"]);
  const { signIn } = useAuth();
  const change = useCommand("post", "/v1/me/password");
  const { policy, loading } = usePasswordPolicy();
  const rulesId = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const form = useForm({
    initialValues: { current_password: "", new_password: "" },
    validate: {
      current_password: (v) => (v ? null : t("validation.currentPassword")),
      new_password: (v) =>
        v.length < policy.min_length
          ? t("validation.passwordShort", { count: policy.min_length })
          : v.length > policy.max_length
            ? t("validation.passwordLong", { count: policy.max_length })
            : null,
    },
  });
  useEffect(() => {
    if (done) {
      const timer = setTimeout(() => setDone(false), 10_000);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [done]);

  const submit = form.onSubmit(async ({ current_password, new_password }) => {
    setFailure(null);
    setDone(false);
    try {
      await change.mutateAsync({ body: { current_password, new_password } });
    } catch (error) {
      if (isProblem(error) && error.slug === "wrong-password") {
        form.setFieldError("current_password", t("profile.wrongPassword"));
      } else {
        applyFieldErrors(form, error);
        const reasons = passwordReasons(error, "new_password", t as never);
        if (reasons) {
          form.setFieldError("new_password", reasons);
        } else {
          setFailure(error);
        }
      }
      return;
    }
    // A new password ends every session, this one too: sign straight back in with it. The
    // screen may be gone meanwhile (the old session's end can pass through sign-in), so the
    // outcome is told by a notice that outlives it.
    form.reset();
    const refused = await signIn(user.phone ?? user.email ?? "", new_password);
    if (refused) {
      setFailure(new ProblemError(refused.status, { detail: t("profile.signInAgain") }));
      notify(t("profile.signInAgain"), "red", false);
    } else {
      notify(t("profile.passwordChanged"));
      setDone(true);
    }
  });

  return (
    <Paper withBorder p="md" maw={560} component="section" aria-labelledby="profile-password">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4" id="profile-password">
            {t("profile.passwordTitle")}
          </Title>
          <Text size="sm">{t("profile.passwordIntro")}</Text>
          <PasswordInput
            label={t("fields.currentPassword")}
            autoComplete="current-password"
            required
            {...form.getInputProps("current_password")}
          />
          <PasswordRules id={rulesId} policy={policy} loading={loading} />
          <PasswordInput
            label={t("fields.newPassword")}
            autoComplete="new-password"
            required
            aria-describedby={rulesId}
            {...form.getInputProps("new_password")}
          />
          <StrengthHint password={form.values.new_password} minLength={policy.min_length} />
          <ProblemAlert error={failure} />
          {done && (
            <Alert color="teal" variant="light" role="status">
              {t("profile.passwordChanged")}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t("profile.passwordSubmit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

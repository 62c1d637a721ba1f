/** A patient signs up, is signed in at once and goes on to book. */
import { Anchor, Alert, Button, Checkbox, Paper, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useId, useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useLocation, useNavigate } from "react-router";

import { useCommand } from "../../api/commands";
import { isProblem, problemFrom } from "../../api/problem";
import { useAuth } from "../../auth/AuthProvider";
import { homePath, isPatient } from "../../auth/roles";
import { applyFieldErrors } from "../../components/formErrors";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { asLanguage } from "../../i18n";
import { isoDate } from "./birthDate";
import { BirthDateInput } from "./BirthDateInput";
import { LanguageChoice } from "./LanguageChoice";
import { passwordReasons, PasswordRules, StrengthHint, usePasswordPolicy } from "./PasswordRules";
import { isE164, normalisePhone } from "./phone";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function RegisterPage() {
  const { t, i18n } = useTranslation("account");
  const { principal, signIn } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const register = useCommand("post", "/v1/auth/register");
  const { policy, loading } = usePasswordPolicy();
  const rulesId = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const [signInRefused, setSignInRefused] = useState(false);
  const [busy, setBusy] = useState(false);

  const form = useForm({
    initialValues: {
      full_name: "",
      phone: "",
      email: "",
      date_of_birth: "",
      preferred_language: asLanguage(i18n.language) ?? "en",
      consent: { sms: false, whatsapp: false },
      password: "",
    },
    validate: {
      full_name: (v) => (v.trim() ? null : t("validation.fullName")),
      phone: (v) => (isE164(normalisePhone(v)) ? null : t("validation.phone")),
      email: (v) => (!v.trim() || EMAIL.test(v.trim()) ? null : t("validation.email")),
      date_of_birth: (v) => birthDateError(v, t),
      password: (v) =>
        v.length < policy.min_length
          ? t("validation.passwordShort", { count: policy.min_length })
          : v.length > policy.max_length
            ? t("validation.passwordLong", { count: policy.max_length })
            : null,
    },
  });

  if (principal && !busy) {
    return <Navigate to={from ?? (isPatient(principal) ? "/book" : homePath(principal))} replace />;
  }

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setFailure(null);
    setSignInRefused(false);
    const phone = normalisePhone(values.phone);
    form.setFieldValue("phone", phone);
    try {
      await register.mutateAsync({
        body: {
          full_name: values.full_name.trim(),
          phone,
          email: values.email.trim() || null,
          date_of_birth: isoDate(values.date_of_birth) || null,
          preferred_language: values.preferred_language,
          consent: values.consent,
          password: values.password,
        },
      });
    } catch (error) {
      applyFieldErrors(form, error);
      const reasons = passwordReasons(error, "password", t as never);
      if (reasons) {
        form.setFieldError("password", reasons);
      }
      setFailure(error);
      setBusy(false);
      return;
    }
    try {
      const refused = await signIn(phone, values.password);
      if (refused) {
        const problem = await problemFrom(refused);
        if (problem.slug === "invalid-credentials") {
          // A number that already has an account answers like a new one: the password chosen
          // here is not that account's, so signing in with it fails.
          setSignInRefused(true);
        } else {
          setFailure(problem);
        }
        setBusy(false);
        return;
      }
      void navigate(from ?? "/book", { replace: true });
    } catch (error) {
      setFailure(error);
    }
    setBusy(false);
  });

  return (
    <Page title={t("register.title")}>
      <Text>{t("register.intro")}</Text>
      <Paper withBorder p="md" maw={520}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label={t("fields.fullName")}
              autoComplete="name"
              required
              {...form.getInputProps("full_name")}
            />
            <TextInput
              label={t("fields.phone")}
              description={t("fields.phoneHint")}
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              placeholder="+254 712 345 678"
              required
              {...form.getInputProps("phone")}
              onBlur={(e) => {
                const value = e.currentTarget.value;
                if (value.trim()) {
                  form.setFieldValue("phone", normalisePhone(value));
                }
                form.validateField("phone");
              }}
            />
            <TextInput
              label={t("fields.emailOptional")}
              description={t("fields.emailHint")}
              type="email"
              autoComplete="email"
              {...form.getInputProps("email")}
            />
            <BirthDateInput
              label={t("fields.birthDate")}
              description={t("fields.birthDateHint")}
              {...form.getInputProps("date_of_birth")}
            />
            <LanguageChoice
              label={t("fields.language")}
              description={t("fields.languageHint")}
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
            <PasswordRules id={rulesId} policy={policy} loading={loading} />
            <PasswordInput
              label={t("fields.password")}
              autoComplete="new-password"
              required
              aria-describedby={rulesId}
              {...form.getInputProps("password")}
            />
            <StrengthHint password={form.values.password} minLength={policy.min_length} />
            {failure !== null && !(isProblem(failure) && failure.status === 422 && Object.keys(form.errors).length) && (
              <ProblemAlert error={failure} />
            )}
            {isProblem(failure) && failure.status === 422 && Object.keys(form.errors).length > 0 && (
              <Alert color="red" variant="light" role="alert">
                {t("register.fixFields")}
              </Alert>
            )}
            {signInRefused && (
              <Alert color="orange" variant="light" role="alert" title={t("register.existingTitle")}>
                <Stack gap="xs">
                  <Text size="sm">{t("register.existing")}</Text>
                  <Anchor component={Link} to="/sign-in" state={from ? { from } : undefined} fw={600}>
                    {t("register.signInInstead")}
                  </Anchor>
                </Stack>
              </Alert>
            )}
            <Button type="submit" loading={busy} size="md">
              {t("register.submit")}
            </Button>
            <Text size="sm">
              {t("register.haveAccount")}{" "}
              <Anchor component={Link} to="/sign-in" state={from ? { from } : undefined}>
                {t("register.signInInstead")}
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}

export function birthDateError(value: string, t: TFunction<"account">): string | null {
  const iso = isoDate(value);
  if (iso === null) {
    return t("validation.birthDate");
  }
  if (iso && iso > new Date().toISOString().slice(0, 10)) {
    return t("validation.birthFuture");
  }
  return null;
}

/** A new staff account: name, e-mail, phone, language, a first password, and a first role. */
import { Button, Card, Group, NativeSelect, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { LANGUAGES } from "../../../i18n";
import { passwordReasons, PasswordRules, StrengthHint, usePasswordPolicy } from "../../account/PasswordRules";
import { readable } from "../../desk/readable";
import type { Person } from "./access";
import { useAdminScope } from "./access";
import { grantOf, RoleFields, type RoleValues, useRoleRules } from "./RoleFields";

const E164 = /^\+[1-9]\d{6,14}$/;

interface Values extends RoleValues {
  full_name: string;
  email: string;
  phone: string;
  preferred_language: string;
  password: string;
}

export function StaffCreate({ onCreated, onCancel }: { onCreated: (person: Person) => void; onCancel: () => void }) {
  const { t } = useTranslation(["adminPeople", "account", "common"]);
  const scope = useAdminScope();
  const { policy, loading } = usePasswordPolicy();
  const create = useCommand("post", "/v1/users");
  const rules = useRoleRules();
  const form = useForm<Values>({
    initialValues: {
      full_name: "",
      email: "",
      phone: "",
      preferred_language: "en",
      password: "",
      role: scope.org ? "" : "provider",
      clinic_id: scope.org ? "" : (scope.clinics[0]?.id ?? ""),
      specialty: "",
    },
    validate: {
      full_name: (value) => (value.trim() ? null : t("staff.nameRequired")),
      email: (value) => (/^\S+@\S+\.\S+$/.test(value.trim()) ? null : t("staff.emailInvalid")),
      phone: (value) => (!value.trim() || E164.test(value.replace(/[\s-]/g, "")) ? null : t("staff.phoneInvalid")),
      password: (value) =>
        value.length >= policy.min_length && value.length <= policy.max_length
          ? null
          : t("account:password.ruleLength", { min: policy.min_length, max: policy.max_length }),
      // A clinic admin's account must belong to one of their clinics, or they could not see it.
      role: (value) => (scope.org ? null : rules.role(value)),
      clinic_id: rules.clinic_id,
    },
  });

  const submit = form.onSubmit(async (values) => {
    const grant = grantOf(values);
    try {
      const created = await create.mutateAsync({
        body: {
          full_name: values.full_name.trim(),
          email: values.email.trim(),
          phone: values.phone.replace(/[\s-]/g, "") || null,
          preferred_language: values.preferred_language,
          password: values.password,
          memberships: grant ? [grant] : [],
        },
      });
      onCreated(created);
    } catch (error) {
      if (isProblem(error)) {
        const errors = Object.fromEntries(
          Object.entries(error.fieldErrors()).map(([field, message]) => [field.replace(/^memberships\.\d+\./, ""), message]),
        );
        const password = passwordReasons(error, "password", t as never);
        form.setErrors(password ? { ...errors, password } : errors);
      }
    }
  });

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="staff-new-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={520}>
          <Title order={2} size="h3" id="staff-new-title">{t("staff.newTitle")}</Title>
          <TextInput label={t("staff.fullName")} required autoComplete="off" {...form.getInputProps("full_name")} />
          <TextInput label={t("staff.email")} description={t("staff.emailHint")} styles={readable} required type="email" autoComplete="off" {...form.getInputProps("email")} />
          <TextInput label={t("staff.phone")} description={t("staff.phoneHint")} styles={readable} type="tel" autoComplete="off" {...form.getInputProps("phone")} />
          <NativeSelect
            label={t("staff.language")}
            data={LANGUAGES.map((code) => ({ value: code, label: t(`languages.${code}`) }))}
            {...form.getInputProps("preferred_language")}
          />
          <PasswordRules id="staff-password-rules" policy={policy} loading={loading} />
          <PasswordInput
            label={t("staff.password")}
            description={t("staff.passwordHint")}
            styles={readable}
            required
            autoComplete="new-password"
            aria-describedby="staff-password-rules"
            {...form.getInputProps("password")}
          />
          <StrengthHint password={form.values.password} minLength={policy.min_length} />
          <Title order={3} size="h5">{t("staff.firstRole")}</Title>
          <RoleFields form={form} roles={scope.roles} clinics={scope.clinics} optional={scope.org} />
          {create.problem && <ProblemAlert error={create.problem} />}
          <Group gap="xs">
            <Button type="submit" loading={create.isPending}>{t("staff.create")}</Button>
            <Button variant="default" onClick={onCancel}>{t("common:actions.cancel")}</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

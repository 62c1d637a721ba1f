/** The roles one staff member holds, per clinic: revoke one, or grant another. */
import { Button, Card, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { $api } from "../../../api/query";
import { applyFieldErrors } from "../../../components/formErrors";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { type Person, useAdminScope } from "./access";
import { grantOf, RoleFields, type RoleValues, useRoleLabel, useRoleRules } from "./RoleFields";

export function Memberships({ person }: { person: Person }) {
  const { t } = useTranslation(["adminPeople", "common"]);
  const scope = useAdminScope();
  const query = $api.useQuery("get", "/v1/users/{user_id}/memberships", { params: { path: { user_id: person.id } } });
  const revoke = useCommand("delete", "/v1/users/{user_id}/memberships/{membership_id}");
  const grant = useCommand("post", "/v1/users/{user_id}/memberships");
  const [notice, setNotice] = useState<string | null>(null);
  const rules = useRoleRules();
  const roleLabel = useRoleLabel(scope.names);
  const form = useForm<RoleValues>({
    initialValues: { role: "provider", clinic_id: scope.clinics.length === 1 ? scope.clinics[0]!.id : "", specialty: "" },
    validate: rules,
  });
  const submit = form.onSubmit(async (values) => {
    const body = grantOf(values);
    if (!body) return;
    try {
      const granted = await grant.mutateAsync({ params: { path: { user_id: person.id } }, body });
      setNotice(t("roles.granted", { role: roleLabel(granted), name: person.full_name }));
      form.setFieldValue("specialty", "");
    } catch (error) {
      applyFieldErrors(form, error);
    }
  });
  const memberships = query.data ?? [];
  return (
    <Stack gap="sm" component="section" aria-label={t("roles.of", { name: person.full_name })}>
      <Title order={3} size="h5">{t("roles.of", { name: person.full_name })}</Title>
      {query.isLoading && <Loader size="sm" role="status" aria-label={t("common:app.loading")} />}
      {query.error && <ProblemAlert error={query.error} />}
      {query.data && memberships.length === 0 && <Text>{t("roles.none")}</Text>}
      {memberships.length > 0 && (
        <Stack gap={4} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {memberships.map((m) => (
            <Group key={m.id} component="li" justify="space-between" wrap="wrap" gap="xs">
              <Text>{roleLabel(m)}</Text>
              {scope.mayHandle(m) && (
                <Button
                  size="compact-sm"
                  variant="default"
                  aria-label={t("roles.revokeNamed", { role: roleLabel(m) })}
                  loading={revoke.isPending && revoke.variables?.params.path.membership_id === m.id}
                  onClick={() =>
                    revoke
                      .mutateAsync({ params: { path: { user_id: person.id, membership_id: m.id } } })
                      .then(() => setNotice(t("roles.revoked", { role: roleLabel(m), name: person.full_name })))
                      .catch(() => setNotice(null))
                  }
                >
                  {t("roles.revoke")}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {revoke.problem && <ProblemAlert error={revoke.problem} />}
      {notice && <Text role="status" c="green.9">{notice}</Text>}
      {person.active && (
        <Card withBorder padding="sm">
          <form onSubmit={submit} noValidate aria-label={t("roles.grantTo", { name: person.full_name })}>
            <Stack gap="xs" maw={420}>
              <RoleFields form={form} roles={scope.roles} clinics={scope.clinics} />
              {grant.problem && !Object.keys(form.errors).length && <ProblemAlert error={grant.problem} />}
              <Group>
                <Button type="submit" loading={grant.isPending}>{t("roles.grant")}</Button>
              </Group>
            </Stack>
          </form>
        </Card>
      )}
    </Stack>
  );
}

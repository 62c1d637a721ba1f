/** What a new password must be, from identity's policy, shown before one is typed. */
import { List, Progress, Skeleton, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { isProblem } from "../../api/problem";
import { $api } from "../../api/query";
import type { components } from "../../api/schema";
import { strengthLevel } from "./strength";

export type PasswordPolicy = components["schemas"]["PasswordPolicyRead"];

/** The policy as configured; until it arrives (or if it cannot), the documented defaults. */
export function usePasswordPolicy() {
  const query = $api.useQuery("get", "/v1/auth/password-policy", {}, { staleTime: 60 * 60_000 });
  const policy: PasswordPolicy = query.data ?? { min_length: 12, max_length: 128, min_score: 3, rules: [] };
  return { policy, loading: query.isPending, failed: query.isError };
}

export function PasswordRules({ id, policy, loading }: { id: string; policy: PasswordPolicy; loading: boolean }) {
  const { t } = useTranslation("account");
  if (loading) {
    return <Skeleton h={96} aria-hidden />;
  }
  return (
    <Stack gap={4} id={id}>
      <Text size="sm" fw={600}>
        {t("password.rulesTitle")}
      </Text>
      <List size="sm" spacing={2}>
        <List.Item>{t("password.ruleLength", { min: policy.min_length, max: policy.max_length })}</List.Item>
        <List.Item>{t("password.ruleBreached")}</List.Item>
        <List.Item>{t("password.rulePersonal")}</List.Item>
        <List.Item>{t("password.ruleStrength", { score: policy.min_score })}</List.Item>
      </List>
      <Text size="sm" c="gray.7">
        {t("password.tip")}
      </Text>
    </Stack>
  );
}

const COLORS = ["red.9", "red.9", "orange.9", "teal.8", "teal.9"] as const;

/** A rough strength meter with its level in words (never colour alone). */
export function StrengthHint({ password, minLength }: { password: string; minLength: number }) {
  const { t } = useTranslation("account");
  if (!password) {
    return null;
  }
  const level = strengthLevel(password, minLength);
  return (
    <Stack gap={4}>
      <Progress value={(level + 1) * 20} color={COLORS[level]} size="sm" aria-hidden />
      <Text size="sm" aria-live="polite">
        {t("password.strength", { level: t(`password.levels.${level}`) })}
      </Text>
    </Stack>
  );
}

const REASONS = [
  "too_short", "too_long", "breached", "personal_data", "keyboard_pattern", "repeated", "sequence", "date",
  "common_password", "single_word", "names", "too_guessable",
] as const;

/**
 * Identity's reasons for refusing a password, in the reader's language where we know the
 * reason's code (the API words them in English), for the field they concern.
 */
export function passwordReasons(
  error: unknown,
  field: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string | null {
  if (!isProblem(error)) {
    return null;
  }
  const reasons = (error.body.errors ?? [])
    .filter((e) => e.field.split(".").pop() === field)
    .map((e) => ((REASONS as readonly string[]).includes(e.code ?? "") ? t(`password.reasons.${e.code}`) : e.message));
  return reasons.length ? [...new Set(reasons)].join(" ") : null;
}

/** A failed call shown as a human message, next to what caused it. */
import { Alert } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { isProblem } from "../api/problem";

export function problemMessage(error: unknown, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (!isProblem(error)) {
    return t("errors.unexpected");
  }
  if (error.isNetwork) {
    return t("errors.network");
  }
  const known = `errors.${error.slug}`;
  const translated = t(known, { defaultValue: "" });
  if (translated) {
    return translated;
  }
  // The API's own sentence (English) is better than a code; a status says the rest.
  return error.body.detail ?? t(`errors.status.${error.status}`, { defaultValue: t("errors.unexpected") });
}

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) {
    return null;
  }
  return (
    <Alert color="red" role="alert" title={title ?? t("errors.title")} variant="light">
      {problemMessage(error, t as never)}
    </Alert>
  );
}

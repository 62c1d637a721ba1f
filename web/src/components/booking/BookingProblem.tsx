/** A refused booking step, next to what caused it, in the user's language. */
import { Alert } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { isProblem } from "../../api/problem";
import { problemMessage } from "../ProblemAlert";
import { BOOKING_SLUGS } from "./problems";

export function useBookingProblemMessage(): (error: unknown) => string {
  const { t } = useTranslation(["patient", "common"]);
  return (error: unknown) => {
    if (isProblem(error) && (BOOKING_SLUGS as readonly string[]).includes(error.slug)) {
      return t(`problems.${error.slug}` as never, { ns: "patient" });
    }
    return problemMessage(error, t as never);
  };
}

export function BookingProblem({ error, title, children }: { error: unknown; title?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const message = useBookingProblemMessage();
  if (!error) {
    return null;
  }
  return (
    <Alert color="red" role="alert" title={title ?? t("errors.title")} variant="light">
      {message(error)}
      {children}
    </Alert>
  );
}

/** A 422's field errors put next to the fields of a Mantine form. */
import type { UseFormReturnType } from "@mantine/form";

import { isProblem } from "../api/problem";

/** Sets the errors the form has fields for; true when at least one landed on a field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function applyFieldErrors(form: UseFormReturnType<any>, error: unknown): boolean {
  if (!isProblem(error)) {
    return false;
  }
  const values = form.getValues() as Record<string, unknown>;
  const errors = Object.fromEntries(
    Object.entries(error.fieldErrors()).filter(([field]) => field.split(".")[0]! in values),
  );
  form.setErrors(errors);
  return Object.keys(errors).length > 0;
}

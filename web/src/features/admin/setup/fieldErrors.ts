/** A 422's field errors by top-level form field (`reminder_offsets.1` is `reminder_offsets`). */
import type { UseFormReturnType } from "@mantine/form";

import { isProblem } from "../../../api/problem";

/** Sets the errors the form has fields for; true when at least one landed on a field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function showFieldErrors(form: UseFormReturnType<any>, error: unknown): boolean {
  if (!isProblem(error)) {
    return false;
  }
  const values = form.getValues() as Record<string, unknown>;
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fieldErrors())) {
    const name = field.split(".")[0]!;
    if (name in values && !(name in errors)) {
      errors[name] = message;
    }
  }
  form.setErrors(errors);
  return Object.keys(errors).length > 0;
}

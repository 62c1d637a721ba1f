/** What a refused booking says: the slug's message in the user's language, and alternatives. */
import { isProblem } from "../../api/problem";

export interface Alternative {
  starts_at: string;
  ends_at: string;
  provider_ids: string[];
}

/** The nearest free starts a 409 `slot-taken` / `slot-unavailable` offers. */
export function alternativesOf(error: unknown): Alternative[] {
  if (!isProblem(error)) {
    return [];
  }
  const list = error.body.alternatives;
  if (!Array.isArray(list)) {
    return [];
  }
  return list.filter(
    (item): item is Alternative =>
      !!item && typeof item === "object" && typeof (item as Alternative).starts_at === "string",
  );
}

/** Problems of booking with their own wording in the `patient` namespace. */
export const BOOKING_SLUGS = [
  "slot-taken",
  "slot-unavailable",
  "hold-expired",
  "past-cutoff",
  "outside-booking-window",
  "off-grid",
  "invalid-transition",
  "no-room",
] as const;

export function isSlug(error: unknown, ...slugs: string[]): boolean {
  return isProblem(error) && slugs.includes(error.slug);
}

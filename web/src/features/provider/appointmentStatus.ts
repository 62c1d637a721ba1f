/** An appointment's status in words (the badge's colour only repeats them). */
import type { TFunction } from "i18next";

import type { components } from "../../api/schema";
import type { Tone } from "../clinic/StatusBadge";

export type AppointmentStatus = components["schemas"]["AppointmentRead"]["status"];

const COMMON = ["booked", "checked-in", "fulfilled", "cancelled", "noshow", "pending"] as const;

export const APPOINTMENT_TONES: Record<AppointmentStatus, Tone> = {
  proposed: "gray",
  pending: "gray",
  waitlist: "gray",
  booked: "blue",
  arrived: "teal",
  "checked-in": "teal",
  fulfilled: "green",
  cancelled: "gray",
  noshow: "orange",
  "entered-in-error": "gray",
};

export function appointmentStatusLabel(status: AppointmentStatus, t: TFunction<["provider", "common"]>): string {
  if ((COMMON as readonly string[]).includes(status)) {
    return t(`common:status.${status as (typeof COMMON)[number]}`);
  }
  return t(`provider:appointmentStatus.${status as Exclude<AppointmentStatus, (typeof COMMON)[number]>}`);
}

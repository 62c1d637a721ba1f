/** The clinics, clinic and appointment types the patient screens read. */
import type { QueryClient } from "@tanstack/react-query";

import type { components } from "../../api/schema";
import { $api } from "../../api/query";

export type Clinic = components["schemas"]["ClinicRead"];
export type AppointmentType = components["schemas"]["TypeRead"];
export type Appointment = components["schemas"]["AppointmentRead"];

const CLINICS = { params: { query: { limit: 200 } } };
const CLINICS_OPTIONS = { staleTime: 5 * 60_000 };

export function useClinics() {
  return $api.useQuery("get", "/v1/clinics", CLINICS, CLINICS_OPTIONS);
}

/** The same read as useClinics, started before its screen's code has arrived (see routes.tsx). */
export function prefetchClinics(client: QueryClient): void {
  void client.prefetchQuery($api.queryOptions("get", "/v1/clinics", CLINICS, CLINICS_OPTIONS));
}

export function useClinic(clinicId: string | null | undefined) {
  return $api.useQuery(
    "get",
    "/v1/clinics/{clinic_id}",
    { params: { path: { clinic_id: clinicId ?? "" } } },
    { enabled: !!clinicId, staleTime: 5 * 60_000 },
  );
}

export function useTypes(clinicId: string | null | undefined) {
  return $api.useQuery(
    "get",
    "/v1/appointment-types",
    { params: { query: { clinic_id: clinicId ?? "", limit: 200 } } },
    { enabled: !!clinicId, staleTime: 5 * 60_000 },
  );
}

/** What patients may book themselves: active, online-bookable types. */
export function bookable(types: AppointmentType[] | undefined): AppointmentType[] {
  return (types ?? []).filter((type) => type.active && type.online_bookable);
}

/** When online changes end: the clinic's cutoff before the start. */
export function cutoffOf(appointment: Appointment, clinic: Clinic | undefined): Date | null {
  if (!clinic) {
    return null;
  }
  const hours = clinic.booking_policy.cancellation_cutoff_hours;
  return new Date(new Date(appointment.starts_at).getTime() - hours * 3600_000);
}

/** Statuses a patient may still cancel or move (before the cutoff). */
export function changeable(appointment: Appointment): boolean {
  return appointment.status === "booked" || appointment.status === "arrived";
}

/**
 * Writes: every change the app makes goes through `useCommand`. Each POST carries an
 * Idempotency-Key (a retry replays rather than books twice), and a success refreshes what the
 * command changed: the reads `STALE_AFTER` names for it, nothing else. Offline mode will turn
 * this one place into a queue (and replay `STALE_AFTER` when a queued command goes through).
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import type { Middleware } from "openapi-fetch";
import type { HttpMethod, PathsWithMethod } from "openapi-typescript-helpers";

import { api, type paths } from "./client";
import { ProblemError } from "./problem";
import { $api } from "./query";

type WriteMethod = Extract<HttpMethod, "post" | "put" | "patch" | "delete">;
/** A read: `$api.useQuery("get", path, ...)` caches it under the key `["get", path, init]`. */
export type QueryPath = PathsWithMethod<paths, "get">;

// Reads that several commands change together.
const APPOINTMENTS = ["/v1/appointments", "/v1/appointments/{appointment_id}"] as const;
/** A visit's status changes: its scheduled messages are planned or withdrawn (notify). */
const VISIT_STATUS = [...APPOINTMENTS, "/v1/notifications"] as const;
/** The visit's time is given back: free slots change, and it is offered to the waitlist. */
const FREES_A_SLOT = [...VISIT_STATUS, "/v1/slots", "/v1/waitlist"] as const;

/**
 * What each command makes stale: the reads (by path, whatever their parameters) whose answers it
 * may change, on the server or through the events it publishes. A success invalidates exactly
 * these, so the screens that show them refetch and the others keep their cache. When unsure
 * whether a read changes, name it: an inactive query only gets marked stale, which costs nothing
 * until a screen shows it again. A command missing here does not type-check in `useCommand`.
 */
export const STALE_AFTER = {
  post: {
    // A hold takes the slot out of the free ones (holds are not listed as appointments).
    "/v1/slot-holds": ["/v1/slots"],
    // A booking uses up its hold (the slot-hold read answers 404 from then on), and booking a
    // waitlist offer settles the entry.
    "/v1/appointments": [...VISIT_STATUS, "/v1/slots", "/v1/slot-holds/{hold_id}", "/v1/waitlist"],
    "/v1/appointments/{appointment_id}/check-in": VISIT_STATUS,
    "/v1/appointments/{appointment_id}/complete": VISIT_STATUS,
    "/v1/appointments/{appointment_id}/no-show": VISIT_STATUS,
    "/v1/appointments/{appointment_id}/cancel": FREES_A_SLOT,
    "/v1/appointments/{appointment_id}/reschedule": FREES_A_SLOT,
    "/v1/waitlist": ["/v1/waitlist"],
    // Leaving frees the slot held for an offer, and withdraws the offer's message.
    "/v1/waitlist/{entry_id}/cancel": ["/v1/waitlist", "/v1/slot-holds/{hold_id}", "/v1/slots", "/v1/notifications"],
    // Requested leave changes nothing else until it is approved.
    "/v1/leave": ["/v1/leave"],
    // Withdrawn approved leave puts its shifts back on the roster and its time back in the slots.
    "/v1/leave/{leave_id}/cancel": ["/v1/leave", "/v1/shifts/roster", "/v1/slots"],
    // A desk registration: the new patient is found by the patient search.
    "/v1/auth/register": ["/v1/users", "/v1/users/{user_id}"],
    // It ends every session, this one too, and the screen signs straight back in, which reads the
    // account afresh. Refetching here would only go out with the revoked token (and sign out).
    "/v1/me/password": [],
    // Admin console, shifts: templates and one-off shifts change the roster, the bookable time and
    // the coverage; approved leave takes the person's shifts out of both.
    "/v1/shift-templates": ["/v1/shift-templates", "/v1/shift-templates/{template_id}", "/v1/shifts", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    "/v1/shifts": ["/v1/shifts", "/v1/shifts/{shift_id}", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    "/v1/shifts/{shift_id}/cancel": ["/v1/shifts", "/v1/shifts/{shift_id}", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    "/v1/shifts/{shift_id}/reassign": ["/v1/shifts", "/v1/shifts/{shift_id}", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    "/v1/shifts/{shift_id}/swap": ["/v1/shifts", "/v1/shifts/{shift_id}", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    "/v1/leave/{leave_id}/approve": ["/v1/leave", "/v1/leave/{leave_id}", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    "/v1/leave/{leave_id}/reject": ["/v1/leave", "/v1/leave/{leave_id}"],
    // Admin console, clinics and people: a new clinic is listed; a closure cancels the shifts on
    // its days (and so their free time).
    "/v1/clinics": ["/v1/clinics", "/v1/clinics/{clinic_id}"],
    "/v1/clinics/{clinic_id}/closures": ["/v1/clinics/{clinic_id}/closures", "/v1/shifts", "/v1/shifts/roster", "/v1/slots"],
    "/v1/users": ["/v1/users", "/v1/users/{user_id}"],
    "/v1/users/{user_id}/deactivate": ["/v1/users", "/v1/users/{user_id}", "/v1/slots"],
    "/v1/users/{user_id}/memberships": ["/v1/users", "/v1/users/{user_id}", "/v1/users/{user_id}/memberships", "/v1/slots"],
    // Booking setup: a type's length, grid and notice shape the free slots; rooms are reserved by them.
    "/v1/appointment-types": ["/v1/appointment-types", "/v1/appointment-types/{type_id}", "/v1/slots", "/v1/audit-events"],
    "/v1/rooms": ["/v1/rooms", "/v1/slots", "/v1/audit-events"],
  },
  put: {
    "/v1/clinics/{clinic_id}/coverage/minimums": ["/v1/clinics/{clinic_id}/coverage/minimums", "/v1/clinics/{clinic_id}/coverage"],
    // Messaging: the settings plan the reminders still to come; the words show on the next message.
    "/v1/clinics/{clinic_id}/notification-settings": ["/v1/clinics/{clinic_id}/notification-settings", "/v1/audit-events"],
    "/v1/clinics/{clinic_id}/message-templates/{kind}/{language}": ["/v1/clinics/{clinic_id}/message-templates", "/v1/audit-events"],
  },
  patch: {
    // Name, contact, language and consent: shown by the preferences (phone, language, consent),
    // and the name wherever people are named (user reads, shifts, roster, leave).
    "/v1/me": [
      "/v1/me",
      "/v1/me/notification-preferences",
      "/v1/notifications",
      "/v1/users",
      "/v1/users/{user_id}",
      "/v1/shifts",
      "/v1/shifts/roster",
      "/v1/leave",
    ],
    // An opt-out stops the messages not yet sent.
    "/v1/me/notification-preferences": ["/v1/me/notification-preferences", "/v1/notifications"],
    "/v1/shift-templates/{template_id}": ["/v1/shift-templates", "/v1/shift-templates/{template_id}", "/v1/shifts", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    // Hours and booking policy decide the free slots.
    "/v1/clinics/{clinic_id}": ["/v1/clinics", "/v1/clinics/{clinic_id}", "/v1/slots"],
    "/v1/appointment-types/{type_id}": ["/v1/appointment-types", "/v1/appointment-types/{type_id}", "/v1/slots", "/v1/audit-events"],
    "/v1/rooms/{room_id}": ["/v1/rooms", "/v1/slots", "/v1/audit-events"],
  },
  delete: {
    // The slot is free again, and the hold is gone.
    "/v1/slot-holds/{hold_id}": ["/v1/slots", "/v1/slot-holds/{hold_id}"],
    // An ended template's future shifts go.
    "/v1/shift-templates/{template_id}": ["/v1/shift-templates", "/v1/shift-templates/{template_id}", "/v1/shifts", "/v1/shifts/roster", "/v1/slots", "/v1/clinics/{clinic_id}/coverage"],
    // Reopened days get their template shifts back.
    "/v1/clinics/{clinic_id}/closures/{closure_id}": ["/v1/clinics/{clinic_id}/closures", "/v1/shifts", "/v1/shifts/roster", "/v1/slots"],
    "/v1/users/{user_id}/memberships/{membership_id}": ["/v1/users", "/v1/users/{user_id}", "/v1/users/{user_id}/memberships", "/v1/slots"],
    // Back to notify's built-in words.
    "/v1/clinics/{clinic_id}/message-templates/{kind}/{language}": ["/v1/clinics/{clinic_id}/message-templates", "/v1/audit-events"],
  },
} as const satisfies { [M in WriteMethod]?: { [P in PathsWithMethod<paths, M>]?: readonly QueryPath[] } };

type Stale = typeof STALE_AFTER;
/** A method the app writes with, and one of its paths that `STALE_AFTER` covers. */
type CommandMethod = keyof Stale;
type CommandPath<M extends CommandMethod> = PathsWithMethod<paths, M> & keyof Stale[M];

/** The reads a command makes stale. */
export function staleAfter<M extends CommandMethod>(method: M, path: CommandPath<M>): readonly QueryPath[] {
  return (STALE_AFTER[method] as Record<string, readonly QueryPath[]>)[path] ?? [];
}

/** Invalidate the cached reads a command made stale: the active ones refetch, the rest wait. */
export function invalidateAfter<M extends CommandMethod>(
  queryClient: QueryClient,
  method: M,
  path: CommandPath<M>,
): Promise<void> {
  const stale = new Set<string>(staleAfter(method, path));
  if (stale.size === 0) {
    return Promise.resolve();
  }
  return queryClient.invalidateQueries({
    predicate: ({ queryKey }) => queryKey[0] === "get" && typeof queryKey[1] === "string" && stale.has(queryKey[1]),
  });
}

const idempotency: Middleware = {
  onRequest({ request }) {
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    return request;
  },
};
api.use(idempotency);

/**
 * A mutation of one API operation; `problem` is its last failure, ready to show. It settles once
 * the reads it made stale (`STALE_AFTER`) that a screen shows have been fetched again.
 */
export function useCommand<M extends CommandMethod, P extends CommandPath<M>>(method: M, path: P) {
  const queryClient = useQueryClient();
  const mutation = $api.useMutation(method, path, {
    onSuccess: () => invalidateAfter(queryClient, method, path),
  });
  const problem = mutation.error instanceof ProblemError ? mutation.error : null;
  return Object.assign(mutation, { problem });
}

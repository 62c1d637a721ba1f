/** The shapes of the offline sync protocol (docs/offline-sync.md), and of the app's view of it. */
import type { Principal } from "../auth/principal";
import type { ProblemBody } from "../api/problem";

export type OutcomeStatus = "applied" | "conflict" | "rejected" | "blocked";

export type MutationKind =
  | "register_patient"
  | "book"
  | "reschedule"
  | "cancel"
  | "check_in"
  | "complete"
  | "no_show";

export interface Alternative {
  starts_at: string;
  provider_ids: string[];
}

export interface MutationView {
  id: string;
  seq: number;
  kind: string;
  summary: { patientName?: string; startsAt?: string; appointmentId?: string };
  recordedAt: string;
  status: "pending" | OutcomeStatus;
  problem?: unknown;
  conflictId?: string;
  alternatives?: Alternative[];
  /** A blocked change: the id of the earlier change it waited for, which did not go through. */
  blockedBy?: string;
}

export interface OfflineState {
  enabled: boolean;
  clinicId: string | null;
  online: boolean;
  pending: number;
  syncing: boolean;
  progress: { done: number; total: number } | null;
  lastPullAt: string | null;
  lastError: unknown;
  openConflicts: number;
  sessionUntil: string | null;
  waitingForSignIn: boolean;
}

export interface Conflict {
  id: string;
  clinic_id: string;
  device_id: string;
  mutation_id: string;
  kind: string;
  appointment_id: string | null;
  patient_id: string | null;
  patient_name: string | null;
  type_id: string | null;
  provider_id: string | null;
  starts_at: string | null;
  ends_at: string | null;
  recorded_at: string;
  problem: ProblemBody | null;
  alternatives: Alternative[];
  status: "open" | "resolved";
  resolution: unknown;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

export type ResolveBody =
  | { action: "book"; starts_at: string; provider_id?: string }
  | { action: "waitlist" }
  | { action: "cancel"; reason?: string };

export type { Principal };

/** Test helpers of the booking setup, messaging and audit screens: admins and their clinic. */
import type { User } from "../../../auth/AuthProvider";
import { CLINIC_ID, DESK_ID, staff } from "../../clinic/__tests__/session";

export { CLINIC_ID, clinic, page, receptionist, signedInAs } from "../../clinic/__tests__/session";

export const clinicAdmin = staff("66666666-6666-4666-8666-666666666666", "clinic_admin", "Achieng Admin");
export const orgAdmin: User = {
  ...staff("77777777-7777-4777-8777-777777777777", "clinic_admin", "Org Admin"),
  memberships: [{ id: "m-org", role: "org_admin", clinic_id: null, specialty: null, granted_at: "2026-01-01T00:00:00Z" }],
};
export { DESK_ID };
export const ADMIN_CLINIC = CLINIC_ID;

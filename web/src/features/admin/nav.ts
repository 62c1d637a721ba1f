import { isAdmin } from "../../auth/roles";
import type { NavItem } from "../../components/nav";

export const adminNav: NavItem[] = [
  { to: "/admin/clinics", label: "admin:nav.clinics", visible: isAdmin, section: "admin:nav.section" },
  { to: "/admin/people", label: "admin:nav.people", visible: isAdmin },
  { to: "/admin/booking-setup", label: "admin:nav.bookingSetup", visible: isAdmin },
  { to: "/admin/messaging", label: "admin:nav.messaging", visible: isAdmin },
  { to: "/admin/audit", label: "admin:nav.audit", visible: isAdmin },
  { to: "/admin/shift-templates", label: "admin:nav.shiftTemplates", visible: isAdmin },
  { to: "/admin/roster", label: "admin:nav.roster", visible: isAdmin },
  { to: "/admin/leave", label: "admin:nav.leave", visible: isAdmin },
  { to: "/admin/coverage", label: "admin:nav.coverage", visible: isAdmin },
  { to: "/admin/analytics", label: "admin:nav.analytics", visible: isAdmin },
];

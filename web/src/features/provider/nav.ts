import { isProvider } from "../../auth/roles";
import type { NavItem } from "../../components/nav";

export const providerNav: NavItem[] = [
  { to: "/provider", label: "provider:nav.day", visible: isProvider },
  { to: "/provider/shifts", label: "provider:nav.shifts", visible: isProvider },
  { to: "/provider/leave", label: "provider:nav.leave", visible: isProvider },
];

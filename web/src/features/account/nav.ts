import { isPatient } from "../../auth/roles";
import type { NavItem } from "../../components/nav";

export const accountNav: NavItem[] = [
  { to: "/waitlist", label: "account:nav.waitlist", visible: isPatient },
  { to: "/account", label: "account:nav.profile", visible: isPatient },
  { to: "/account/notifications", label: "account:nav.notifications", visible: isPatient },
];

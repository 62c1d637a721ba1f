import { isDesk } from "../../auth/roles";
import type { NavItem } from "../../components/nav";

export const deskNav: NavItem[] = [
  { to: "/desk", label: "desk:nav.day", visible: isDesk },
  { to: "/desk/patients", label: "desk:nav.patients", visible: isDesk },
  { to: "/desk/sync", label: "desk:nav.sync", visible: isDesk },
];

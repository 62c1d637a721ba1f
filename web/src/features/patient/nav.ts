import { isPatient } from "../../auth/roles";
import type { NavItem } from "../../components/nav";

export const patientNav: NavItem[] = [
  { to: "/book", label: "patient:nav.book", visible: isPatient },
  { to: "/appointments", label: "patient:nav.appointments", visible: isPatient },
];

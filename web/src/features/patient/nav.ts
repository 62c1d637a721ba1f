import type { NavItem } from "../../components/nav";

export const patientNav: NavItem[] = [];

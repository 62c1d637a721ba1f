import type { NavItem } from "../../components/nav";

export const clinicNav: NavItem[] = [];

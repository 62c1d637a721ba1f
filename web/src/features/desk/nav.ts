import type { NavItem } from "../../components/nav";

export const deskNav: NavItem[] = [];

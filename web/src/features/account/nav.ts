import type { NavItem } from "../../components/nav";

export const accountNav: NavItem[] = [];

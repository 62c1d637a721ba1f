import type { NavItem } from "../../components/nav";

export const providerNav: NavItem[] = [];

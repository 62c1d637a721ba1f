import { isDesk } from "../../auth/roles";
import type { NavItem } from "../../components/nav";

export const clinicNav: NavItem[] = [{ to: "/clinic/waitlist", label: "clinic:nav.waitlist", visible: isDesk }];

import type { Principal } from "../auth/AuthProvider";

/** A link in the main navigation, shown to the people `visible` lets through. */
export interface NavItem {
  to: string;
  /** An i18n key with its namespace, e.g. "patient:nav.book". */
  label: string;
  visible: (who: Principal | null) => boolean;
  /** An i18n key of the group the link opens (a heading above it), e.g. "admin:nav.section". */
  section?: string;
}

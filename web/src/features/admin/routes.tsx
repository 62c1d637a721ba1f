/** The admin console and the analytics dashboard: clinic admins for their clinics, org admins
 * for the network. Loaded only when an admin opens one. */
import { Route } from "react-router";

import { isAdmin } from "../../auth/roles";
import { lazyScreen } from "../../components/lazyScreen";
import { LazyScreen } from "../clinic/LazyScreen";

const ClinicsPage = lazyScreen(() => import("./ClinicsPage"));
const PeoplePage = lazyScreen(() => import("./PeoplePage"));
const BookingSetupPage = lazyScreen(() => import("./BookingSetupPage"));
const MessagingPage = lazyScreen(() => import("./MessagingPage"));
const AuditPage = lazyScreen(() => import("./AuditPage"));
const ShiftTemplatesPage = lazyScreen(() => import("./ShiftTemplatesPage"));
const RosterPage = lazyScreen(() => import("./RosterPage"));
const LeavePage = lazyScreen(() => import("./LeavePage"));
const CoveragePage = lazyScreen(() => import("./CoveragePage"));
const AnalyticsPage = lazyScreen(() => import("./AnalyticsPage"));

export const adminRoutes = (
  <>
    <Route path="admin/clinics" element={<LazyScreen allow={isAdmin}><ClinicsPage /></LazyScreen>} />
    <Route path="admin/people" element={<LazyScreen allow={isAdmin}><PeoplePage /></LazyScreen>} />
    <Route path="admin/booking-setup" element={<LazyScreen allow={isAdmin}><BookingSetupPage /></LazyScreen>} />
    <Route path="admin/messaging" element={<LazyScreen allow={isAdmin}><MessagingPage /></LazyScreen>} />
    <Route path="admin/audit" element={<LazyScreen allow={isAdmin}><AuditPage /></LazyScreen>} />
    <Route path="admin/shift-templates" element={<LazyScreen allow={isAdmin}><ShiftTemplatesPage /></LazyScreen>} />
    <Route path="admin/roster" element={<LazyScreen allow={isAdmin}><RosterPage /></LazyScreen>} />
    <Route path="admin/leave" element={<LazyScreen allow={isAdmin}><LeavePage /></LazyScreen>} />
    <Route path="admin/coverage" element={<LazyScreen allow={isAdmin}><CoveragePage /></LazyScreen>} />
    <Route path="admin/analytics" element={<LazyScreen allow={isAdmin}><AnalyticsPage /></LazyScreen>} />
  </>
);

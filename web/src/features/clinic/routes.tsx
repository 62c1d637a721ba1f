/** The clinic screens, mounted under the app's layout; loaded only when staff open one. */
import { Route } from "react-router";

import { isDesk } from "../../auth/roles";
import { lazyScreen } from "../../components/lazyScreen";
import { LazyScreen } from "./LazyScreen";

const Waitlist = lazyScreen(() => import("./Waitlist"));

export const clinicRoutes = (
  <>
    <Route path="clinic/waitlist" element={<LazyScreen allow={isDesk}><Waitlist /></LazyScreen>} />
  </>
);

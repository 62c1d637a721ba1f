/** The provider screens, mounted under the app's layout; loaded only when a provider opens one. */
import { Route } from "react-router";

import { isProvider } from "../../auth/roles";
import { lazyScreen } from "../../components/lazyScreen";
import { LazyScreen } from "../clinic/LazyScreen";

const MyDay = lazyScreen(() => import("./MyDay"));
const MyShifts = lazyScreen(() => import("./MyShifts"));
const Leave = lazyScreen(() => import("./Leave"));

export const providerRoutes = (
  <>
    <Route path="provider" element={<LazyScreen allow={isProvider}><MyDay /></LazyScreen>} />
    <Route path="provider/shifts" element={<LazyScreen allow={isProvider}><MyShifts /></LazyScreen>} />
    <Route path="provider/leave" element={<LazyScreen allow={isProvider}><Leave /></LazyScreen>} />
  </>
);

/** The provider screens, mounted under the app's layout; loaded only when a provider opens one. */
import { lazy } from "react";
import { Route } from "react-router";

import { isProvider } from "../../auth/roles";
import { LazyScreen } from "../clinic/LazyScreen";

const MyDay = lazy(() => import("./MyDay"));
const MyShifts = lazy(() => import("./MyShifts"));
const Leave = lazy(() => import("./Leave"));

export const providerRoutes = (
  <>
    <Route path="provider" element={<LazyScreen allow={isProvider}><MyDay /></LazyScreen>} />
    <Route path="provider/shifts" element={<LazyScreen allow={isProvider}><MyShifts /></LazyScreen>} />
    <Route path="provider/leave" element={<LazyScreen allow={isProvider}><Leave /></LazyScreen>} />
  </>
);

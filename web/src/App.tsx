import { Route, Routes } from "react-router";

import { Layout } from "./components/Layout";
import { adminRoutes } from "./features/admin/routes";
import { accountRoutes } from "./features/account/routes";
import { clinicRoutes } from "./features/clinic/routes";
import { deskRoutes } from "./features/desk/routes";
import { patientRoutes } from "./features/patient/routes";
import { providerRoutes } from "./features/provider/routes";
import { Home } from "./pages/Home";
import { NotFound } from "./pages/NotFound";
import { SignIn } from "./pages/SignIn";

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="sign-in" element={<SignIn />} />
        {patientRoutes}
        {accountRoutes}
        {deskRoutes}
        {clinicRoutes}
        {providerRoutes}
        {adminRoutes}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

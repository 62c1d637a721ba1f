import "i18next";

import type analytics from "../features/admin/analytics/locales/en.json";
import type adminPeople from "./locales/en/adminPeople.json";
import type adminSetup from "./locales/en/adminSetup.json";
import type adminShifts from "./locales/en/adminShifts.json";
import type { resources } from "./index";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    // The admin console's and the dashboard's strings load with their lazy screens
    // (features/admin/strings.ts, features/admin/analytics/strings.ts); their keys are still
    // checked.
    resources: (typeof resources)["en"] & {
      adminPeople: typeof adminPeople;
      adminSetup: typeof adminSetup;
      adminShifts: typeof adminShifts;
      analytics: typeof analytics;
    };
  }
}

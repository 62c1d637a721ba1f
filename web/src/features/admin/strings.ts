/**
 * The console's strings travel with its screens, not in the app's first script (a patient's
 * phone never needs them): each admin screen imports this module, which adds the namespaces in
 * all three languages at once, so switching language still costs no request.
 */
import i18n from "../../i18n";
import peopleEn from "../../i18n/locales/en/adminPeople.json";
import setupEn from "../../i18n/locales/en/adminSetup.json";
import shiftsEn from "../../i18n/locales/en/adminShifts.json";
import peopleFr from "../../i18n/locales/fr/adminPeople.json";
import setupFr from "../../i18n/locales/fr/adminSetup.json";
import shiftsFr from "../../i18n/locales/fr/adminShifts.json";
import peopleSw from "../../i18n/locales/sw/adminPeople.json";
import setupSw from "../../i18n/locales/sw/adminSetup.json";
import shiftsSw from "../../i18n/locales/sw/adminShifts.json";

const bundles = {
  en: { adminPeople: peopleEn, adminSetup: setupEn, adminShifts: shiftsEn },
  sw: { adminPeople: peopleSw, adminSetup: setupSw, adminShifts: shiftsSw },
  fr: { adminPeople: peopleFr, adminSetup: setupFr, adminShifts: shiftsFr },
};
for (const [language, namespaces] of Object.entries(bundles)) {
  for (const [namespace, bundle] of Object.entries(namespaces)) {
    i18n.addResourceBundle(language, namespace, bundle, true, true);
  }
}

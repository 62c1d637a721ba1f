/**
 * The dashboard's strings travel with the dashboard, not in the app's first script: the
 * `analytics` namespace is filled in when this lazy screen loads (all three languages at
 * once, so switching language still costs no request and works offline once it has loaded).
 */
import i18n from "../../../i18n";
import en from "./locales/en.json";
import fr from "./locales/fr.json";
import sw from "./locales/sw.json";

const strings = { en, sw, fr };
for (const [language, bundle] of Object.entries(strings)) {
  i18n.addResourceBundle(language, "analytics", bundle, true, true);
}

export { strings };

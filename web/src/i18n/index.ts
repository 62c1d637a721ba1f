/**
 * English, Swahili and French, the languages the message templates have. Every namespace is
 * bundled (a few KB) so switching language costs no request and works offline.
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import adminEn from "./locales/en/admin.json";
import adminFr from "./locales/fr/admin.json";
import adminSw from "./locales/sw/admin.json";
import accountEn from "./locales/en/account.json";
import accountFr from "./locales/fr/account.json";
import accountSw from "./locales/sw/account.json";
import clinicEn from "./locales/en/clinic.json";
import clinicFr from "./locales/fr/clinic.json";
import clinicSw from "./locales/sw/clinic.json";
import commonEn from "./locales/en/common.json";
import commonFr from "./locales/fr/common.json";
import commonSw from "./locales/sw/common.json";
import deskEn from "./locales/en/desk.json";
import deskFr from "./locales/fr/desk.json";
import deskSw from "./locales/sw/desk.json";
import patientEn from "./locales/en/patient.json";
import patientFr from "./locales/fr/patient.json";
import patientSw from "./locales/sw/patient.json";
import providerEn from "./locales/en/provider.json";
import providerFr from "./locales/fr/provider.json";
import providerSw from "./locales/sw/provider.json";

export const LANGUAGES = ["en", "sw", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = "clinic.language";

export const resources = {
  en: { common: commonEn, patient: patientEn, desk: deskEn, provider: providerEn, account: accountEn, clinic: clinicEn, admin: adminEn },
  sw: { common: commonSw, patient: patientSw, desk: deskSw, provider: providerSw, account: accountSw, clinic: clinicSw, admin: adminSw },
  fr: { common: commonFr, patient: patientFr, desk: deskFr, provider: providerFr, account: accountFr, clinic: clinicFr, admin: adminFr },
} as const;

export function asLanguage(value: string | null | undefined): Language | null {
  const base = (value ?? "").toLowerCase().split("-")[0];
  return (LANGUAGES as readonly string[]).includes(base ?? "") ? (base as Language) : null;
}

function initialLanguage(): Language {
  const stored = asLanguage(localStorage.getItem(STORAGE_KEY));
  if (stored) {
    return stored;
  }
  for (const candidate of navigator.languages ?? [navigator.language]) {
    const language = asLanguage(candidate);
    if (language) {
      return language;
    }
  }
  return "en";
}

/** Switch the language and remember it on this device. */
export async function setLanguage(language: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  await i18n.changeLanguage(language);
}

i18n.on("languageChanged", (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: "en",
  defaultNS: "common",
  ns: ["common", "patient", "account", "desk", "clinic", "provider", "admin"],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export default i18n;

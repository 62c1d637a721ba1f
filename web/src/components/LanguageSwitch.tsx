import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { asLanguage, LANGUAGES, setLanguage } from "../i18n";

const NAMES = { en: "English", sw: "Kiswahili", fr: "Français" } as const;

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t("language.label")}
      size="xs"
      w={{ base: 100, xs: 120 }}
      value={asLanguage(i18n.language) ?? "en"}
      onChange={(event) => void setLanguage(asLanguage(event.currentTarget.value) ?? "en")}
      data={LANGUAGES.map((code) => ({ value: code, label: NAMES[code] }))}
    />
  );
}

/** The language messages come in: English, Kiswahili or Français, named in their own words. */
import { Group, Radio } from "@mantine/core";

import { LANGUAGES } from "../../i18n";

export const LANGUAGE_NAMES = { en: "English", sw: "Kiswahili", fr: "Français" } as const;

interface Props {
  label: string;
  description?: string;
  value?: string;
  onChange?: (value: string) => void;
  error?: React.ReactNode;
}

export function LanguageChoice({ label, description, value, onChange, error }: Props) {
  return (
    <Radio.Group label={label} description={description} value={value ?? "en"} onChange={(v) => onChange?.(v)} error={error}>
      <Group gap="xs" mt={6} style={{ columnGap: "var(--mantine-spacing-md)" }}>
        {LANGUAGES.map((code) => (
          <Radio key={code} value={code} label={LANGUAGE_NAMES[code]} lang={code} styles={{ body: { minHeight: 40, alignItems: "center" } }} />
        ))}
      </Group>
    </Radio.Group>
  );
}

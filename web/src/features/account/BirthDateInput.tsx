/** Date of birth as three plain fields: quick on a phone keypad, usable by keyboard alone. */
import { Fieldset, Group, Input, NativeSelect, TextInput } from "@mantine/core";
import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";

import { joinDate, splitDate } from "./birthDate";

interface Props {
  value?: string;
  onChange?: (value: string) => void;
  error?: React.ReactNode;
  label: string;
  description?: string;
}

export function BirthDateInput({ value = "", onChange = () => {}, error, label, description }: Props) {
  const { t, i18n } = useTranslation("account");
  const [year, month, day] = splitDate(value);
  const errorId = useId();
  const months = useMemo(() => {
    const names = new Intl.DateTimeFormat(i18n.language, { month: "long", timeZone: "UTC" });
    return Array.from({ length: 12 }, (_, i) => ({
      value: String(i + 1),
      label: names.format(new Date(Date.UTC(2000, i, 15))),
    }));
  }, [i18n.language]);
  const invalid = error ? { "aria-invalid": true, "aria-describedby": errorId } : {};

  return (
    <Fieldset variant="unstyled" legend={label} p={0} m={0} styles={{ legend: { fontSize: "var(--mantine-font-size-sm)", fontWeight: 600, padding: 0, marginBottom: 0 } }}>
      {description && <Input.Description>{description}</Input.Description>}
      <Group gap="xs" wrap="nowrap" align="flex-start" mt={4}>
        <TextInput
          label={t("fields.day")}
          inputMode="numeric"
          autoComplete="bday-day"
          maxLength={2}
          w={64}
          value={day}
          onChange={(e) => onChange(joinDate(year, month, e.currentTarget.value.replace(/\D/g, "")))}
          {...invalid}
        />
        <NativeSelect
          label={t("fields.month")}
          autoComplete="bday-month"
          style={{ flex: 1, minWidth: 0 }}
          value={month}
          onChange={(e) => onChange(joinDate(year, e.currentTarget.value, day))}
          data={[{ value: "", label: "—" }, ...months]}
          {...invalid}
        />
        <TextInput
          label={t("fields.year")}
          inputMode="numeric"
          autoComplete="bday-year"
          maxLength={4}
          w={84}
          value={year}
          onChange={(e) => onChange(joinDate(e.currentTarget.value.replace(/\D/g, ""), month, day))}
          {...invalid}
        />
      </Group>
      {error && (
        <Input.Error id={errorId} mt={4}>
          {error}
        </Input.Error>
      )}
    </Fieldset>
  );
}

/** An IANA time zone, searchable by any part of its name ("Nairobi", "Africa/"). */
import { Select, type SelectProps } from "@mantine/core";
import { useMemo } from "react";

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
})();

export function TimeZoneSelect({ value, ...props }: Omit<SelectProps, "data" | "searchable"> & { value?: string }) {
  // The clinic's zone stays offered even where this browser's list lacks it (UTC, old aliases).
  const data = useMemo(() => (value && !ZONES.includes(value) ? [value, ...ZONES] : ZONES), [value]);
  return <Select searchable data={data} value={value || null} limit={50} nothingFoundMessage="—" allowDeselect={false} {...props} />;
}

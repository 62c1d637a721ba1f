/** An appointment's status as text on a colour (the colour never says it alone). */
import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { components } from "../../api/schema";

type Status = components["schemas"]["AppointmentRead"]["status"];

// Shades dark enough for white text at WCAG AA.
const COLOURS: Partial<Record<Status, string>> = {
  booked: "teal.9",
  pending: "dark.5",
  arrived: "indigo.8",
  "checked-in": "indigo.8",
  fulfilled: "green.9",
  cancelled: "gray.7",
  noshow: "red.9",
};

export function AppointmentStatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOURS[status] ?? "dark.5"} variant="filled" radius="sm" data-testid="appointment-status" style={{ flexShrink: 0 }}>
      {t(`status.${status}` as never, { defaultValue: status })}
    </Badge>
  );
}

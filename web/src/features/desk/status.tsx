/** A visit's status as words (the colour only repeats them), readable at AA on its tint. */
import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Status } from "./layout";

export const STATUS_COLOR: Record<Status, string> = {
  pending: "gray",
  booked: "blue",
  arrived: "cyan",
  "checked-in": "grape",
  fulfilled: "green",
  cancelled: "gray",
  noshow: "orange",
  "entered-in-error": "gray",
  waitlist: "gray",
  proposed: "gray",
};

const COMMON = ["booked", "checked-in", "fulfilled", "cancelled", "noshow", "pending"] as const;
type CommonStatus = (typeof COMMON)[number];
const isCommon = (status: Status): status is CommonStatus => (COMMON as readonly string[]).includes(status);

export function useStatusLabel() {
  const { t } = useTranslation(["desk", "common"]);
  return (status: Status): string => {
    return isCommon(status) ? t(`common:status.${status}`) : t(`desk:status.${status}`);
  };
}

export function StatusBadge({ status, size = "sm" }: { status: Status; size?: "xs" | "sm" | "md" }) {
  const label = useStatusLabel();
  const color = STATUS_COLOR[status];
  return (
    <Badge variant="light" color={color} c={`${color}.9`} size={size} radius="sm" style={{ textTransform: "none" }}>
      {label(status)}
    </Badge>
  );
}

/** A visit changed on this device whose change has not reached the server yet. */
export function PendingBadge() {
  const { t } = useTranslation();
  return (
    <Badge variant="outline" color="gray" c="gray.9" size="md" radius="sm" style={{ textTransform: "none", borderStyle: "dashed" }}>
      {t("sync.pending")}
    </Badge>
  );
}

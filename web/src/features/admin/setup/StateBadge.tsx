import { Badge } from "@mantine/core";
import type { ReactNode } from "react";

/** A state in words on a light tint, with dark text: the tint says which, the words say what. */
export function StateBadge({ color, children }: { color: "green" | "gray" | "blue" | "red"; children: ReactNode }) {
  return (
    <Badge variant="light" color={color} c="dark.7" size="sm" radius="sm" style={{ textTransform: "none" }}>
      {children}
    </Badge>
  );
}

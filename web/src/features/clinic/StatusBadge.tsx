/** A status as a badge whose words carry the meaning (the colour only repeats it), AA contrast. */
import { Badge } from "@mantine/core";
import type React from "react";

export type Tone = "gray" | "blue" | "teal" | "green" | "red" | "orange" | "yellow" | "grape";

/**
 * Text at 70% of the tone's shade 9 (towards black): at least 5:1 on the badge's shade-1
 * background (Mantine's light variant), where shade 9 itself is only 2.7:1 for yellow, 3.6:1
 * for orange and 3.8:1 for green.
 */
const TEXT: Record<Tone, string> = {
  gray: "#212529",
  blue: "#114678",
  teal: "#065940",
  green: "#1e612b",
  red: "#8d1d1d",
  orange: "#98320a",
  yellow: "#a15300",
  grape: "#5e206d",
};

export function toneText(tone: Tone): string {
  return TEXT[tone];
}

export function StatusBadge({ tone, children }: { tone: Tone; children: string }) {
  return (
    <Badge
      variant="light"
      color={tone}
      radius="sm"
      styles={{
        root: {
          color: toneText(tone),
          textTransform: "none",
          flexShrink: 0,
          maxWidth: "none",
          height: "auto",
          minHeight: "var(--badge-height)",
        },
        label: { overflow: "visible", whiteSpace: "normal" },
      }}
    >
      {children}
    </Badge>
  );
}

/** A filled button's colours that keep white text above 4.5:1, hovered too (Mantine lightens on hover). */
export const SOLID = {
  teal: { color: "teal.9", style: { "--button-hover": TEXT.teal } as React.CSSProperties },
  red: { color: "red.9", style: { "--button-hover": TEXT.red } as React.CSSProperties },
};

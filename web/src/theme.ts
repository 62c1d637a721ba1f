import { createTheme } from "@mantine/core";

// Teal 8/9 on white keeps text and buttons above WCAG AA contrast.
export const theme = createTheme({
  primaryColor: "teal",
  primaryShade: 8,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
  defaultRadius: "md",
  focusRing: "auto",
});

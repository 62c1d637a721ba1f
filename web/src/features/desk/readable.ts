/** Mantine's dimmed grey (gray.6) is below 4.5:1 on white: hints use gray.7 instead. */
export const readable = { description: { color: "var(--mantine-color-gray-7)" } };

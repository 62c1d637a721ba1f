/**
 * A refused time (409 `slot-taken` or `slot-unavailable`): what it ran into, in words next to
 * the form, and the nearest free starts the API offered, each one button away.
 */
import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { isProblem } from "../../api/problem";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatShortDate, formatTime } from "../../lib/format";

export interface Alternative {
  starts_at: string;
  ends_at: string;
  provider_ids: string[];
}

interface Clash {
  with?: "provider" | "room" | "patient";
  starts_at?: string;
  ends_at?: string;
}

export function isClash(error: unknown): boolean {
  return isProblem(error) && error.status === 409 && (error.slug === "slot-taken" || error.slug === "slot-unavailable");
}

export function alternativesOf(error: unknown): Alternative[] {
  if (!isProblem(error) || !Array.isArray(error.body.alternatives)) {
    return [];
  }
  return error.body.alternatives as Alternative[];
}

/** Shows any failure; a clash gets its explanation and the alternatives to pick from. */
export function ClashAlert({
  error,
  zone,
  onPick,
  providerNames = {},
  busy = false,
}: {
  error: unknown;
  zone: string;
  onPick: (alternative: Alternative) => void;
  providerNames?: Record<string, string>;
  busy?: boolean;
}) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  if (!error) {
    return null;
  }
  if (!isClash(error) || !isProblem(error)) {
    return <ProblemAlert error={error} />;
  }
  const language = i18n.language;
  const clash = (error.body.clash ?? {}) as Clash;
  const alternatives = alternativesOf(error);
  const time = (value: string) => formatTime(value, zone, language);
  const today = formatShortDate(new Date(), zone, language);
  const label = (alt: Alternative) => {
    const day = formatShortDate(alt.starts_at, zone, language);
    const at = day === today ? time(alt.starts_at) : `${day} ${time(alt.starts_at)}`;
    const names = alt.provider_ids.map((id) => providerNames[id]).filter(Boolean);
    return names.length === 1 ? t("slots.withProvider", { time: at, provider: names[0] }) : at;
  };
  return (
    <Alert
      color="orange"
      c="orange.9"
      role="alert"
      variant="light"
      title={error.slug === "slot-unavailable" ? t("clash.unavailable") : t("clash.title")}
    >
      <Stack gap="xs">
        {clash.with && clash.starts_at && clash.ends_at ? (
          <Text size="sm" c="dark.8">
            {t(`clash.${clash.with}`, { from: time(clash.starts_at), to: time(clash.ends_at) })}
          </Text>
        ) : (
          error.body.detail && (
            <Text size="sm" c="dark.8">
              {error.body.detail}
            </Text>
          )
        )}
        <Text size="sm" c="dark.8">
          {alternatives.length ? t("clash.alternatives") : t("clash.noAlternatives")}
        </Text>
        {alternatives.length > 0 && (
          <Group gap="xs">
            {alternatives.map((alt) => (
              <Button
                key={alt.starts_at}
                size="sm"
                variant="white"
                color="orange.9"
                disabled={busy}
                onClick={() => onPick(alt)}
                aria-label={t("clash.take", { time: label(alt) })}
              >
                {label(alt)}
              </Button>
            ))}
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

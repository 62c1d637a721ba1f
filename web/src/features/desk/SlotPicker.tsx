/** Free start times of one local day for staff (no notice, no horizon), as a radio group. */
import { Chip, Group, Loader, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { $api } from "../../api/query";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatTime } from "../../lib/format";
import { addDays, dayStart } from "./zone";

export function SlotPicker({
  clinicId,
  typeId,
  providerId,
  day,
  zone,
  value,
  onChange,
  label,
}: {
  clinicId: string;
  typeId: string;
  providerId: string | null;
  day: string;
  zone: string;
  value: string | null;
  onChange: (startsAt: string | null) => void;
  label?: string;
}) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const now = new Date();
  const start = dayStart(day, zone);
  const end = dayStart(addDays(day, 1), zone);
  const from = start < now ? new Date(Math.ceil(now.getTime() / 60_000) * 60_000) : start;
  const enabled = from < end && !!typeId;
  const query = $api.useQuery(
    "get",
    "/v1/slots",
    {
      params: {
        query: {
          clinic_id: clinicId,
          type_id: typeId,
          provider_id: providerId ?? undefined,
          from: from.toISOString(),
          to: end.toISOString(),
          limit: 200,
        },
      },
    },
    { enabled, refetchInterval: 15_000 },
  );
  const slots = query.data?.items ?? [];
  const legendId = `slots-${day}`;
  return (
    <Stack gap={6} role="radiogroup" aria-labelledby={legendId}>
      <Text id={legendId} fw={600} size="sm">
        {label ?? t("slots.legend")}
      </Text>
      {query.isLoading && enabled ? (
        <Loader role="status" size="sm" aria-label={t("slots.loading")} />
      ) : query.error ? (
        <ProblemAlert error={query.error} />
      ) : !enabled || slots.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t("slots.none")}
        </Text>
      ) : (
        <Chip.Group multiple={false} value={value ?? ""} onChange={(next) => onChange(next || null)}>
          <Group gap={6}>
            {slots.map((slot) => (
              <Chip key={slot.starts_at} value={slot.starts_at} size="md" radius="sm" type="radio">
                {formatTime(slot.starts_at, zone, i18n.language)}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      )}
    </Stack>
  );
}

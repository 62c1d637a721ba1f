/**
 * Pick a free time: clinic-local days (two weeks at a time) as radios, then the day's free
 * start times as buttons, shown in the clinic's zone with a note when the device's differs.
 * Reused by the front desk: it reads only the public slot search.
 */
import { Button, Group, Loader, Radio, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { type ReactNode, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import type { components } from "../../api/schema";
import { formatDate, formatShortDate, formatTime, localDay } from "../../lib/format";
import { ProblemAlert } from "../ProblemAlert";
import { addDays, clinicToday, dayAsInstant, dayList } from "./days";
import { ChoiceCard } from "./ProviderChoice";
import { useSlots } from "./useSlots";
import { ZoneNote } from "./ZoneNote";

export type Slot = components["schemas"]["Slot"];
export const WINDOW_DAYS = 14;

export interface SlotPickerProps {
  clinicId: string;
  zone: string;
  typeId: string;
  /** A provider's id, or "any". */
  providerId: string;
  day: string | null;
  onDayChange: (day: string) => void;
  onPick: (slot: Slot) => void;
  /** The start being held or booked right now (its button shows progress). */
  busyStart?: string | null;
  /** A start not to offer (the appointment's own time when rescheduling). */
  excludeStart?: string | null;
  /** A message about the last pick (taken, expired), shown right above the times. */
  notice?: ReactNode;
  /** Heading level of the "free times" heading. */
  headingOrder?: 2 | 3;
}

/** The first day of the two-week window that shows `day`. */
function windowFor(day: string | null, today: string): string {
  if (!day || day < today) {
    return today;
  }
  let first = today;
  while (addDays(first, WINDOW_DAYS) <= day) {
    first = addDays(first, WINDOW_DAYS);
  }
  return first;
}

export function SlotPicker(props: SlotPickerProps) {
  const { clinicId, zone, typeId, providerId, day, onDayChange, onPick, busyStart, excludeStart } = props;
  const { t, i18n } = useTranslation("patient");
  const language = i18n.language;
  const today = clinicToday(zone);
  const [first, setFirst] = useState(() => windowFor(day, today));
  const timesId = useId();

  useEffect(() => {
    if (day && (day < first || day >= addDays(first, WINDOW_DAYS))) {
      setFirst(windowFor(day, today));
    }
  }, [day, first, today]);

  const overview = useSlots(clinicId, zone, typeId, providerId, first, WINDOW_DAYS);
  const times = useSlots(clinicId, zone, typeId, providerId, day, 1);

  const days = dayList(first, WINDOW_DAYS);
  const withTimes = new Set((overview.data?.items ?? []).map((slot) => localDayOf(slot.starts_at, zone)));
  // A truncated page knows nothing of the days after its last slot: those stay open.
  const lastKnown = overview.data?.next_cursor
    ? localDayOf(overview.data.items.at(-1)?.starts_at ?? "", zone)
    : addDays(first, WINDOW_DAYS);
  const dayOpen = (d: string) => withTimes.has(d) || d > lastKnown || !overview.data;

  const slots = (times.data?.items ?? []).filter(
    (slot) => localDayOf(slot.starts_at, zone) === day && slot.starts_at !== excludeStart,
  );

  return (
    <Stack gap="md">
      <ZoneNote zone={zone} />
      <Radio.Group
        label={t("picker.dayLabel")}
        value={day}
        onChange={onDayChange}
        name={`day-${timesId}`}
      >
        <SimpleGrid cols={{ base: 2, xs: 3, sm: 4, md: 7 }} spacing="xs" mt="xs">
          {days.map((d) => (
            <ChoiceCard
              key={d}
              value={d}
              label={formatDay(d, zone, language)}
              hint={overview.data && !dayOpen(d) ? t("picker.dayFull") : undefined}
              disabled={!!overview.data && !dayOpen(d) && d !== day}
            />
          ))}
        </SimpleGrid>
        <Group justify="space-between" mt="xs">
          <Button
            variant="subtle"
            size="sm"
            disabled={first <= today}
            onClick={() => setFirst(addDays(first, -WINDOW_DAYS))}
          >
            {t("picker.earlierDays")}
          </Button>
          <Button variant="subtle" size="sm" onClick={() => setFirst(addDays(first, WINDOW_DAYS))}>
            {t("picker.laterDays")}
          </Button>
        </Group>
        {overview.isFetching && !overview.data && <Loader role="status" size="xs" aria-label={t("picker.loading")} />}
      </Radio.Group>
      <ProblemAlert error={overview.error} />

      {day && (
        <section aria-labelledby={timesId}>
          <Title order={props.headingOrder ?? 2} size="h4" id={timesId} mb="xs">
            {t("picker.timesOn", { day: formatDate(dayAsInstant(day, zone), zone, language) })}
          </Title>
          {props.notice}
          {times.isPending && times.fetchStatus !== "idle" ? (
            <Loader role="status" size="sm" aria-label={t("picker.loading")} />
          ) : times.error ? (
            <ProblemAlert error={times.error} />
          ) : slots.length === 0 ? (
            <Text>{t("picker.noTimes")}</Text>
          ) : (
            <SimpleGrid cols={{ base: 3, xs: 4, sm: 6 }} spacing="xs" data-testid="slot-times">
              {slots.map((slot) => (
                <Button
                  key={slot.starts_at}
                  variant="default"
                  size="md"
                  px={4}
                  loading={busyStart === slot.starts_at}
                  disabled={!!busyStart && busyStart !== slot.starts_at}
                  onClick={() => onPick(slot)}
                >
                  {formatTime(slot.starts_at, zone, language)}
                </Button>
              ))}
            </SimpleGrid>
          )}
        </section>
      )}
    </Stack>
  );
}

function localDayOf(instant: string, zone: string): string {
  return instant ? localDay(instant, zone) : "";
}

function formatDay(day: string, zone: string, language: string): string {
  return formatShortDate(dayAsInstant(day, zone), zone, language);
}

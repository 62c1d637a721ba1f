/**
 * The week drawn with a pointer: drag down a day to draw working hours, drag inside hours to
 * draw a break, both in 15-minute steps. The fields under it do the same from a keyboard, so the
 * drawing is hidden from assistive technology.
 */
import { Box, Text } from "@mantine/core";
import { type PointerEvent as ReactPointerEvent, useState } from "react";
import { useTranslation } from "react-i18next";

import { DAY_MINUTES, endOffset, offsetIn, type RangeDraft, snap, STEP, toClock, toMinutes, type Weekday, WEEKDAYS } from "./week";

const HEIGHT = 576; // px for 24 hours: 6 px per 15 minutes
const HOURS = [0, 3, 6, 9, 12, 15, 18, 21];

interface Segment {
  range: RangeDraft;
  from: number; // minutes on the column's day
  to: number;
  base: number; // added to a column minute to get minutes from the range's own midnight
}

interface Drag {
  day: Weekday;
  anchor: number;
  current: number;
  parent: Segment | null;
}

/** What each day's column shows: its own ranges, and the tail of the previous night's. */
function segmentsOf(day: Weekday, ranges: RangeDraft[]): Segment[] {
  const previous = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7];
  const own = ranges
    .filter((r) => r.day === day)
    .map((range) => ({ range, from: toMinutes(range.starts), to: Math.min(DAY_MINUTES, endOffset(range)), base: 0 }));
  const tails = ranges
    .filter((r) => r.day === previous && endOffset(r) > DAY_MINUTES)
    .map((range) => ({ range, from: 0, to: endOffset(range) - DAY_MINUTES, base: DAY_MINUTES }));
  return [...own, ...tails];
}

const pct = (minutes: number): string => `${(minutes / DAY_MINUTES) * 100}%`;

export function WeekGrid({
  ranges,
  errors,
  onAddRange,
  onAddBreak,
}: {
  ranges: RangeDraft[];
  errors: Record<string, unknown>;
  onAddRange: (day: Weekday, starts: string, ends: string) => void;
  onAddBreak: (rangeKey: string, starts: string, ends: string) => void;
}) {
  const { t } = useTranslation("adminShifts");
  const [drag, setDrag] = useState<Drag | null>(null);

  const minuteAt = (event: ReactPointerEvent<HTMLElement>): number => {
    const box = event.currentTarget.getBoundingClientRect();
    return snap(((event.clientY - box.top) / (box.height || HEIGHT)) * DAY_MINUTES);
  };
  // A break stays strictly inside its hours.
  const within = (minute: number, parent: Segment | null): number => {
    if (!parent) return minute;
    const startsHere = parent.base === 0;
    const endsHere = parent.base === DAY_MINUTES || endOffset(parent.range) <= DAY_MINUTES;
    return Math.min(parent.to - (endsHere ? STEP : 0), Math.max(parent.from + (startsHere ? STEP : 0), minute));
  };

  const down = (day: Weekday) => (event: ReactPointerEvent<HTMLElement>) => {
    if (event.button !== 0) return;
    const minute = minuteAt(event);
    const parent = segmentsOf(day, ranges).find((s) => minute > s.from && minute < s.to) ?? null;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    setDrag({ day, anchor: within(minute, parent), current: within(minute, parent), parent });
  };
  const move = (event: ReactPointerEvent<HTMLElement>) => {
    if (drag) setDrag({ ...drag, current: within(minuteAt(event), drag.parent) });
  };
  const up = () => {
    if (!drag) return;
    const from = Math.min(drag.anchor, drag.current);
    const to = Math.max(drag.anchor, drag.current);
    setDrag(null);
    if (to - from < STEP) return;
    if (drag.parent) {
      onAddBreak(drag.parent.range.key, toClock(from + drag.parent.base), toClock(to + drag.parent.base));
    } else {
      onAddRange(drag.day, toClock(from), toClock(to));
    }
  };

  return (
    <Box>
      <Text size="sm" c="gray.7" mb="xs">
        {t("templates.drawHint")}
      </Text>
      <Box style={{ overflowX: "auto" }}>
        <Box aria-hidden="true" style={{ display: "grid", gridTemplateColumns: "2.5rem repeat(7, minmax(2.75rem, 1fr))", minWidth: 340, gap: 2 }}>
          <span />
          {WEEKDAYS.map((day) => (
            <Text key={day} size="xs" fw={700} ta="center">
              {t(`days.short.${day}`)}
            </Text>
          ))}
          <Box style={{ position: "relative", height: HEIGHT }}>
            {HOURS.map((hour) => (
              <Text key={hour} size="xs" c="gray.7" style={{ position: "absolute", top: pct(hour * 60), lineHeight: 1 }}>
                {toClock(hour * 60)}
              </Text>
            ))}
          </Box>
          {WEEKDAYS.map((day) => (
            <Box
              key={day}
              data-testid="week-grid-day"
              data-day={day}
              onPointerDown={down(day)}
              onPointerMove={move}
              onPointerUp={up}
              onPointerCancel={() => setDrag(null)}
              style={{
                position: "relative",
                height: HEIGHT,
                touchAction: "none",
                cursor: "crosshair",
                userSelect: "none",
                background: "repeating-linear-gradient(to bottom, var(--mantine-color-gray-0) 0, var(--mantine-color-gray-0) 23px, var(--mantine-color-gray-3) 23px, var(--mantine-color-gray-3) 24px)",
                border: "1px solid var(--mantine-color-gray-4)",
              }}
            >
              {segmentsOf(day, ranges).map((segment) => (
                <SegmentBlock key={`${segment.range.key}-${segment.base}`} segment={segment} failed={!!errors[segment.range.key]} />
              ))}
              {drag?.day === day && (
                <Box
                  style={{
                    position: "absolute",
                    left: drag.parent ? "20%" : 2,
                    right: drag.parent ? "20%" : 2,
                    top: pct(Math.min(drag.anchor, drag.current)),
                    height: pct(Math.abs(drag.current - drag.anchor)),
                    border: "2px dashed var(--mantine-color-blue-9)",
                    background: "rgba(34, 139, 230, 0.15)",
                  }}
                />
              )}
            </Box>
          ))}
        </Box>
      </Box>
    </Box>
  );
}

function SegmentBlock({ segment, failed }: { segment: Segment; failed: boolean }) {
  const { range, from, to, base } = segment;
  return (
    <Box
      data-testid="week-grid-range"
      style={{
        position: "absolute",
        left: 2,
        right: 2,
        top: pct(from),
        height: pct(to - from),
        background: failed ? "var(--mantine-color-red-1)" : "var(--mantine-color-teal-1)",
        border: `2px solid ${failed ? "var(--mantine-color-red-9)" : "var(--mantine-color-teal-9)"}`,
        borderRadius: 4,
        overflow: "hidden",
      }}
    >
      <Text size="xs" c="dark" px={2} style={{ lineHeight: 1.1 }}>
        {range.starts}–{range.ends}
      </Text>
      {range.breaks.map((b) => {
        const starts = offsetIn(range, b.starts) - base;
        const ends = offsetIn(range, b.ends) - base;
        if (ends <= 0 || starts >= DAY_MINUTES) return null;
        return (
          <Box
            key={b.key}
            style={{
              position: "absolute",
              left: 0,
              right: 0,
              top: pct(((Math.max(0, starts) - from) * DAY_MINUTES) / (to - from)),
              height: pct(((Math.min(DAY_MINUTES, ends) - Math.max(0, starts)) * DAY_MINUTES) / (to - from)),
              background: "repeating-linear-gradient(45deg, var(--mantine-color-gray-2) 0 4px, var(--mantine-color-gray-5) 4px 8px)",
            }}
          />
        );
      })}
    </Box>
  );
}

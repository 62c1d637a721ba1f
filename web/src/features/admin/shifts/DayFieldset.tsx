/** One weekday's hours from a keyboard: add hours with start and end fields, add breaks, remove. */
import { Button, Group, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { isOvernight, type BreakDraft, type RangeDraft, type RangeProblem, type Weekday } from "./week";

export interface DayActions {
  addRange: (day: Weekday) => void;
  change: (key: string, patch: Partial<Pick<RangeDraft, "starts" | "ends">>) => void;
  remove: (key: string) => void;
  addBreak: (key: string) => void;
  changeBreak: (key: string, breakKey: string, patch: Partial<Pick<BreakDraft, "starts" | "ends">>) => void;
  removeBreak: (key: string, breakKey: string) => void;
}

export function DayFieldset({
  day,
  ranges,
  errors,
  actions,
}: {
  day: Weekday;
  ranges: RangeDraft[];
  errors: Record<string, RangeProblem>;
  actions: DayActions;
}) {
  const { t } = useTranslation("adminShifts");
  const dayName = t(`days.long.${day}`);
  return (
    <Paper withBorder p="sm" component="fieldset" style={{ margin: 0, minWidth: 0 }}>
      <Text component="legend" fw={700} px={4}>
        {dayName}
      </Text>
      <Stack gap="xs">
        {ranges.length === 0 && (
          <Text size="sm" c="gray.7">
            {t("templates.dayOff")}
          </Text>
        )}
        {ranges.map((range, index) => (
          <RangeFields key={range.key} range={range} label={t("templates.rangeLabel", { day: dayName, n: index + 1 })} problem={errors[range.key]} actions={actions} />
        ))}
        <Group>
          <Button variant="default" size="xs" onClick={() => actions.addRange(day)}>
            {t("templates.addRange", { day: dayName })}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function RangeFields({ range, label, problem, actions }: { range: RangeDraft; label: string; problem?: RangeProblem; actions: DayActions }) {
  const { t } = useTranslation("adminShifts");
  const errorId = `range-error-${range.key}`;
  const described = problem ? errorId : undefined;
  const first = useRef<HTMLInputElement>(null);
  // Hours just added from the keyboard: typing goes on in their start field.
  useEffect(() => {
    if (range.starts === "") first.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <Stack
      gap={6}
      role="group"
      aria-label={label}
      aria-describedby={described}
      data-testid="range-fields"
      p="xs"
      style={{ borderLeft: `4px solid var(--mantine-color-${problem ? "red" : "teal"}-9)`, background: "var(--mantine-color-gray-0)" }}
    >
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          type="time"
          step={900}
          label={t("templates.starts")}
          value={range.starts}
          onChange={(e) => actions.change(range.key, { starts: e.currentTarget.value })}
          error={!!problem}
          ref={first}
          w={150}
        />
        <TextInput
          type="time"
          step={900}
          label={t("templates.ends")}
          value={range.ends}
          onChange={(e) => actions.change(range.key, { ends: e.currentTarget.value })}
          error={!!problem}
          w={150}
        />
        <Button variant="default" size="xs" onClick={() => actions.addBreak(range.key)} aria-label={t("templates.addBreakTo", { range: label })}>
          {t("templates.addBreak")}
        </Button>
        <Button variant="subtle" color="red" c="red.9" size="xs" onClick={() => actions.remove(range.key)} aria-label={t("templates.removeRange", { range: label })}>
          {t("templates.remove")}
        </Button>
      </Group>
      {range.starts && range.ends && isOvernight(range) && (
        <Text size="sm" c="gray.7">
          {t("templates.overnight")}
        </Text>
      )}
      {range.breaks.map((item, index) => {
        const breakLabel = t("templates.breakLabel", { range: label, n: index + 1 });
        return (
          <Group key={item.key} gap="xs" align="flex-end" wrap="wrap" role="group" aria-label={breakLabel} pl="md">
            <TextInput
              type="time"
              step={900}
              label={t("templates.breakStarts")}
              value={item.starts}
              onChange={(e) => actions.changeBreak(range.key, item.key, { starts: e.currentTarget.value })}
              w={150}
            />
            <TextInput
              type="time"
              step={900}
              label={t("templates.breakEnds")}
              value={item.ends}
              onChange={(e) => actions.changeBreak(range.key, item.key, { ends: e.currentTarget.value })}
              w={150}
            />
            <Button variant="subtle" color="red" c="red.9" size="xs" onClick={() => actions.removeBreak(range.key, item.key)} aria-label={t("templates.removeBreak", { name: breakLabel })}>
              {t("templates.remove")}
            </Button>
          </Group>
        );
      })}
      {problem && (
        <Text id={errorId} size="sm" c="red.9" fw={500}>
          {t(`templates.problems.${problem}`)}
        </Text>
      )}
    </Stack>
  );
}

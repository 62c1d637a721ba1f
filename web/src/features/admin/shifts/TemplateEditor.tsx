/** A weekly template being written: who, from when, and the week drawn or typed in. */
import { Alert, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SOLID } from "../../clinic/StatusBadge";
import { DayFieldset, type DayActions } from "./DayFieldset";
import type { ShiftRole } from "./staff";
import { draftErrors, fromApi, newKey, type RangeDraft, rangeErrors, type RangeProblem, toApi, WEEKDAYS } from "./week";
import { WeekGrid } from "./WeekGrid";

type Template = components["schemas"]["shifts_TemplateRead"];

export interface Draft {
  template: Template | null;
  clinicId: string;
  staffId: string;
  role: ShiftRole;
  validFrom: string;
  validUntil: string;
}

export function TemplateEditor({ draft, roles, onDone }: { draft: Draft; roles: ShiftRole[]; onDone: () => void }) {
  const { t } = useTranslation(["adminShifts", "common"]);
  const [ranges, setRanges] = useState<RangeDraft[]>(() => fromApi(draft.template?.weekly ?? []));
  const [role, setRole] = useState<ShiftRole>(draft.role);
  const [validFrom, setValidFrom] = useState(draft.validFrom);
  const [validUntil, setValidUntil] = useState(draft.validUntil);
  const [errors, setErrors] = useState<Record<string, RangeProblem>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [local, setLocal] = useState<string | null>(null);
  const create = useCommand("post", "/v1/shift-templates");
  const update = useCommand("patch", "/v1/shift-templates/{template_id}");

  const edit = (change: (all: RangeDraft[]) => RangeDraft[]) => setRanges((all) => change(all));
  const patchRange = (key: string, patch: (r: RangeDraft) => RangeDraft) => edit((all) => all.map((r) => (r.key === key ? patch(r) : r)));
  const actions: DayActions = {
    addRange: (day) => edit((all) => [...all, { key: newKey(), day, starts: "", ends: "", breaks: [] }]),
    change: (key, patch) => patchRange(key, (r) => ({ ...r, ...patch })),
    remove: (key) => edit((all) => all.filter((r) => r.key !== key)),
    addBreak: (key) => patchRange(key, (r) => ({ ...r, breaks: [...r.breaks, { key: newKey(), starts: "", ends: "" }] })),
    changeBreak: (key, breakKey, patch) =>
      patchRange(key, (r) => ({ ...r, breaks: r.breaks.map((b) => (b.key === breakKey ? { ...b, ...patch } : b)) })),
    removeBreak: (key, breakKey) => patchRange(key, (r) => ({ ...r, breaks: r.breaks.filter((b) => b.key !== breakKey) })),
  };

  const fieldErrors = useMemo(() => {
    if (!isProblem(failure)) return {} as Record<string, string>;
    const fields = failure.fieldErrors();
    // The dates' own check is on the whole body: its message names the field.
    const untilFirst = (failure.body.errors ?? []).some((e) => e.message.includes("valid_until must not be before"));
    return { ...fields, ...(untilFirst ? { valid_until: t("templates.untilBeforeFrom") } : {}) };
  }, [failure, t]);

  const save = async () => {
    setFailure(null);
    const unfilled = draftErrors(ranges);
    setErrors(unfilled);
    const problem = ranges.length === 0 ? t("templates.empty") : Object.keys(unfilled).length > 0 ? t("templates.fixRanges") : null;
    setLocal(problem);
    if (problem) return;
    const weekly = toApi(ranges);
    try {
      const saved = draft.template
        ? await update.mutateAsync({
            params: { path: { template_id: draft.template.id } },
            body: { valid_from: validFrom, valid_until: validUntil || null, weekly },
          })
        : await create.mutateAsync({
            body: { clinic_id: draft.clinicId, staff_id: draft.staffId, role, valid_from: validFrom, valid_until: validUntil || null, weekly },
          });
      notifications.show({
        color: "teal",
        closeButtonProps: { "aria-label": t("common:actions.close") },
        message: t("templates.saved", { scheduled: saved.sync?.scheduled ?? 0, changed: saved.sync?.changed ?? 0, removed: saved.sync?.removed ?? 0 }),
      });
      onDone();
    } catch (error) {
      const placed = rangeErrors(error, ranges);
      setErrors(placed.byRange);
      setFailure(error);
    }
  };

  const placed = isProblem(failure) && failure.status === 422 && Object.keys(errors).length > 0;
  const onField = !!(fieldErrors.valid_from || fieldErrors.valid_until);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="template-editor-title">
      <Stack>
        <Title order={2} size="h3" id="template-editor-title">
          {draft.template ? t("templates.editTitle") : t("templates.newTitle")}
        </Title>
        <Group align="flex-start" wrap="wrap">
          <NativeSelect
            label={t("role")}
            value={role}
            disabled={!!draft.template}
            onChange={(e) => setRole(e.currentTarget.value as ShiftRole)}
            data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
          <TextInput type="date" label={t("templates.validFrom")} required value={validFrom} onChange={(e) => setValidFrom(e.currentTarget.value)} error={fieldErrors.valid_from} />
          <TextInput
            type="date"
            label={t("templates.validUntil")}
            description={t("templates.validUntilHint")}
            styles={{ description: { color: "var(--mantine-color-gray-7)" } }}
            value={validUntil}
            onChange={(e) => setValidUntil(e.currentTarget.value)}
            error={fieldErrors.valid_until}
          />
        </Group>
        <WeekGrid
          ranges={ranges}
          errors={errors}
          onAddRange={(day, starts, ends) => edit((all) => [...all, { key: newKey(), day, starts, ends, breaks: [] }])}
          onAddBreak={(key, starts, ends) => patchRange(key, (r) => ({ ...r, breaks: [...r.breaks, { key: newKey(), starts, ends }] }))}
        />
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {WEEKDAYS.map((day) => (
            <DayFieldset key={day} day={day} ranges={ranges.filter((r) => r.day === day)} errors={errors} actions={actions} />
          ))}
        </SimpleGrid>
        {local && (
          <Alert color="red" role="alert" variant="light" title={t("common:errors.title")}>
            {local}
          </Alert>
        )}
        {placed ? (
          <Alert color="red" role="alert" variant="light" title={t("common:errors.title")}>
            {t("templates.fixRanges")}
          </Alert>
        ) : (
          !onField && <ProblemAlert error={failure} />
        )}
        <Group>
          <Button {...SOLID.teal} onClick={() => void save()} loading={create.isPending || update.isPending}>
            {t("templates.save")}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t("common:actions.cancel")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Create or edit an appointment type: its length, buffers, start-time grid, who serves it,
 * its own notice and horizon (empty: the clinic's policy), and whether patients book it. */
import { Button, Checkbox, Group, NativeSelect, NumberInput, SimpleGrid, Stack, TagsInput, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { showFieldErrors } from "./fieldErrors";

export type AppointmentType = components["schemas"]["TypeRead"];
type Step = AppointmentType["step_minutes"];
const STEPS: Step[] = [5, 10, 15, 20, 30, 60];

interface Values {
  name: string;
  duration_minutes: number | string;
  buffer_before_minutes: number | string;
  buffer_after_minutes: number | string;
  step_minutes: string;
  specialties: string[];
  min_notice_minutes: number | string;
  max_days_ahead: number | string;
  online_bookable: boolean;
  requires_room: boolean;
  active: boolean;
}

function initial(type: AppointmentType | null): Values {
  return {
    name: type?.name ?? "",
    duration_minutes: type?.duration_minutes ?? 20,
    buffer_before_minutes: type?.buffer_before_minutes ?? 0,
    buffer_after_minutes: type?.buffer_after_minutes ?? 0,
    step_minutes: String(type?.step_minutes ?? 15),
    specialties: type?.specialties ?? [],
    min_notice_minutes: type?.min_notice_minutes ?? "",
    max_days_ahead: type?.max_days_ahead ?? "",
    online_bookable: type?.online_bookable ?? true,
    requires_room: type?.requires_room ?? false,
    active: type?.active ?? true,
  };
}

const orNull = (value: number | string) => (value === "" ? null : Number(value));

function body(values: Values) {
  return {
    name: values.name.trim(),
    duration_minutes: Number(values.duration_minutes),
    buffer_before_minutes: Number(values.buffer_before_minutes || 0),
    buffer_after_minutes: Number(values.buffer_after_minutes || 0),
    step_minutes: Number(values.step_minutes) as Step,
    specialties: values.specialties,
    min_notice_minutes: orNull(values.min_notice_minutes),
    max_days_ahead: orNull(values.max_days_ahead),
    online_bookable: values.online_bookable,
    requires_room: values.requires_room,
  };
}

export function TypeForm({ clinicId, type, onDone }: { clinicId: string; type: AppointmentType | null; onDone: () => void }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const form = useForm<Values>({
    initialValues: initial(type),
    validate: {
      name: (value) => (value.trim() ? null : t("types.nameRequired")),
      duration_minutes: (value) => (value === "" ? t("types.durationRequired") : null),
    },
  });
  const create = useCommand("post", "/v1/appointment-types");
  const update = useCommand("patch", "/v1/appointment-types/{type_id}");
  const command = type ? update : create;

  const submit = form.onSubmit(async (values) => {
    try {
      if (type) {
        await update.mutateAsync({ params: { path: { type_id: type.id } }, body: { ...body(values), active: values.active } });
      } else {
        await create.mutateAsync({ body: { ...body(values), clinic_id: clinicId } });
      }
      onDone();
    } catch (error) {
      showFieldErrors(form, error);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t("types.name")} required {...form.getInputProps("name")} />
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <NumberInput label={t("types.duration")} min={5} max={480} required {...form.getInputProps("duration_minutes")} />
          <NativeSelect
            label={t("types.step")}
            description={t("types.stepHint")}
            data={STEPS.map((step) => ({ value: String(step), label: t("types.minutes", { count: step }) }))}
            {...form.getInputProps("step_minutes")}
          />
          <NumberInput label={t("types.bufferBefore")} min={0} max={120} {...form.getInputProps("buffer_before_minutes")} />
          <NumberInput label={t("types.bufferAfter")} min={0} max={120} {...form.getInputProps("buffer_after_minutes")} />
          <NumberInput
            label={t("types.minNotice")}
            description={t("types.policyHint")}
            min={0}
            max={10080}
            {...form.getInputProps("min_notice_minutes")}
          />
          <NumberInput
            label={t("types.maxDaysAhead")}
            description={t("types.policyHint")}
            min={1}
            max={730}
            {...form.getInputProps("max_days_ahead")}
          />
        </SimpleGrid>
        <TagsInput
          label={t("types.specialties")}
          description={t("types.specialtiesHint")}
          {...form.getInputProps("specialties")}
        />
        <Checkbox label={t("types.onlineBookable")} {...form.getInputProps("online_bookable", { type: "checkbox" })} />
        <Checkbox label={t("types.requiresRoom")} {...form.getInputProps("requires_room", { type: "checkbox" })} />
        {type && <Checkbox label={t("types.active")} {...form.getInputProps("active", { type: "checkbox" })} />}
        <ProblemAlert error={command.problem} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t("common:actions.cancel")}
          </Button>
          <Button type="submit" loading={command.isPending}>
            {t("common:actions.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

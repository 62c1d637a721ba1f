/** Weekly hours per staff member and clinic: list, write (drawn or typed), change and end templates. */
import "./strings";
import { Button, Group, Loader, Modal, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../api/commands";
import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { localDay } from "../../lib/format";
import { SOLID } from "../clinic/StatusBadge";
import { type Draft, TemplateEditor } from "./shifts/TemplateEditor";
import { AdminClinicSelect, useAdminClinic } from "./clinicPicker";
import { useClinicStaff } from "./shifts/staff";
import { WEEKDAYS } from "./shifts/week";

type Template = components["schemas"]["shifts_TemplateRead"];

export default function ShiftTemplatesPage() {
  const { t } = useTranslation(["admin", "adminShifts", "common"]);
  const { clinics, clinic, choose, query: clinicsQuery } = useAdminClinic();
  const { staff, rolesOf, query: staffQuery } = useClinicStaff(clinic?.id);
  const workers = staff.filter((person) => rolesOf(person).length > 0);
  const [staffId, setStaffId] = useState<string | null>(null);
  const person = workers.find((p) => p.id === staffId) ?? workers[0] ?? null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const templates = $api.useQuery(
    "get",
    "/v1/shift-templates",
    { params: { query: { clinic_id: clinic?.id ?? "", staff_id: person?.id ?? "", limit: 200 } } },
    { enabled: !!clinic && !!person },
  );

  const start = (template: Template | null) => {
    if (!clinic || !person) return;
    setDraft({
      template,
      clinicId: clinic.id,
      staffId: person.id,
      role: template?.role ?? rolesOf(person)[0] ?? "provider",
      validFrom: template?.valid_from ?? localDay(new Date(), clinic.time_zone),
      validUntil: template?.valid_until ?? "",
    });
  };

  return (
    <Page title={t("admin:nav.shiftTemplates")}>
      <ProblemAlert error={clinicsQuery.error ?? staffQuery.error} />
      <Group align="flex-end" wrap="wrap">
        {clinic && (
          <AdminClinicSelect
            clinics={clinics}
            value={clinic.id}
            onChange={(id) => {
              setDraft(null);
              setStaffId(null);
              choose(id);
            }}
          />
        )}
        {person && (
          <NativeSelect
            label={t("adminShifts:staffMember")}
            value={person.id}
            onChange={(e) => {
              setDraft(null);
              setStaffId(e.currentTarget.value);
            }}
            data={workers.map((p) => ({ value: p.id, label: p.full_name }))}
            w={{ base: "100%", sm: 280 }}
          />
        )}
      </Group>
      {staffQuery.isSuccess && workers.length === 0 && <Text c="gray.7">{t("adminShifts:noStaff")}</Text>}
      {person && (
        <Stack gap="sm" component="section" aria-labelledby="templates-title">
          <Title order={2} size="h3" id="templates-title">
            {t("adminShifts:templates.listTitle", { name: person.full_name })}
          </Title>
          {templates.isPending && <Loader role="status" aria-label={t("common:app.loading")} />}
          <ProblemAlert error={templates.error} />
          {templates.isSuccess && templates.data.items.length === 0 && <Text c="gray.7">{t("adminShifts:templates.none")}</Text>}
          {templates.data?.items.map((template) => (
            <TemplateCard key={template.id} template={template} onEdit={() => start(template)} />
          ))}
          {!draft && (
            <Group>
              <Button {...SOLID.teal} onClick={() => start(null)}>
                {t("adminShifts:templates.new")}
              </Button>
            </Group>
          )}
        </Stack>
      )}
      {draft && person && (
        <TemplateEditor
          key={`${draft.template?.id ?? "new"}-${draft.staffId}`}
          draft={draft}
          roles={draft.template ? [draft.template.role] : rolesOf(person)}
          onDone={() => setDraft(null)}
        />
      )}
    </Page>
  );
}

function TemplateCard({ template, onEdit }: { template: Template; onEdit: () => void }) {
  const { t } = useTranslation(["adminShifts", "common"]);
  const [confirming, setConfirming] = useState(false);
  const remove = useCommand("delete", "/v1/shift-templates/{template_id}");
  const days = WEEKDAYS.filter((day) => template.weekly.some((range) => range.day === day));
  const summary = days
    .map((day) =>
      `${t(`days.short.${day}`)} ${template.weekly
        .filter((r) => r.day === day)
        .map((r) => `${r.starts.slice(0, 5)}–${r.ends.slice(0, 5)}`)
        .join(", ")}`,
    )
    .join(" · ");
  const validity = template.valid_until
    ? t("templates.validBetween", { from: template.valid_from, until: template.valid_until })
    : t("templates.validSince", { from: template.valid_from });
  return (
    <Paper withBorder p="sm" data-testid="template-card">
      <Stack gap={4}>
        <Text fw={700}>
          {t(`roles.${template.role}`)} · {validity}
        </Text>
        <Text size="sm">{summary}</Text>
        <Group gap="xs" mt={4}>
          <Button variant="default" size="xs" onClick={onEdit} aria-label={t("templates.editFor", { validity })}>
            {t("templates.edit")}
          </Button>
          <Button variant="subtle" color="red" c="red.9" size="xs" onClick={() => setConfirming(true)} aria-label={t("templates.endFor", { validity })}>
            {t("templates.end")}
          </Button>
        </Group>
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("templates.endTitle")} closeButtonProps={{ "aria-label": t("common:actions.close") }}>
        <Stack>
          <Text>{t("templates.endText")}</Text>
          <ProblemAlert error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t("common:actions.cancel")}
            </Button>
            <Button
              {...SOLID.red}
              loading={remove.isPending}
              onClick={() => void remove.mutateAsync({ params: { path: { template_id: template.id } } }).then(() => setConfirming(false), () => undefined)}
            >
              {t("templates.end")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** A clinic's wording of each kind of message per language, with a live preview filled with a
 * sample visit, and a way back to notify's built-in wording. */
import { Button, Group, Loader, NativeSelect, Paper, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCommand } from "../../../api/commands";
import { isProblem } from "../../../api/problem";
import { $api } from "../../../api/query";
import type { components } from "../../../api/schema";
import type { Clinic } from "../../clinic/useStaffClinics";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { fillTemplate, sampleTimes } from "./preview";
import { StateBadge } from "./StateBadge";

type Template = components["schemas"]["notify_TemplateRead"];
type Placeholder = components["schemas"]["Placeholder"];
const LANGUAGES = ["en", "sw", "fr"] as const;
const SAMPLE_PATIENT = "Amina Otieno";

function TemplateEditor({
  clinic,
  template,
  typeName,
  placeholders,
}: {
  clinic: Clinic;
  template: Template;
  typeName: string;
  placeholders: Placeholder[];
}) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const [body, setBody] = useState(template.body);
  const save = useCommand("put", "/v1/clinics/{clinic_id}/message-templates/{kind}/{language}");
  const reset = useCommand("delete", "/v1/clinics/{clinic_id}/message-templates/{kind}/{language}");
  const path = { clinic_id: clinic.id, kind: template.kind, language: template.language };
  const times = useMemo(() => sampleTimes(clinic.time_zone), [clinic.time_zone]);
  const preview = fillTemplate(
    body,
    { patient: SAMPLE_PATIENT, clinic: clinic.name, clinicPhone: clinic.phone, type: typeName, zone: clinic.time_zone, ...times },
    template.language,
  );
  const saveProblem = isProblem(save.error) ? save.error : null;
  // A refused template (unknown placeholder, braces) is shown at the words.
  const fieldError = saveProblem?.status === 422 ? (saveProblem.body.detail ?? saveProblem.fieldErrors().body) : undefined;

  return (
    <Stack gap="sm">
      <Group gap="xs">
        <StateBadge color={template.source === "clinic" ? "blue" : "gray"}>
          {template.source === "clinic" ? t("templates.own") : t("templates.builtIn")}
        </StateBadge>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Textarea
          label={t("templates.words")}
          description={t("templates.wordsHint")}
          rows={5}
          maxLength={1000}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
          error={fieldError}
        />
        <Paper withBorder p="sm" component="section" aria-labelledby="preview-heading">
          <Text id="preview-heading" fw={600} size="sm">
            {t("templates.preview")}
          </Text>
          <Text size="sm" c="gray.7">
            {t("templates.previewHint")}
          </Text>
          <Text mt="xs" data-testid="template-preview" aria-live="polite" style={{ whiteSpace: "pre-wrap" }}>
            {preview}
          </Text>
        </Paper>
      </SimpleGrid>
      <ProblemAlert error={fieldError ? null : (save.problem ?? reset.problem)} />
      <Group justify="flex-end">
        {template.source === "clinic" && (
          <Button variant="default" loading={reset.isPending} onClick={() => reset.mutate({ params: { path } })}>
            {t("templates.reset")}
          </Button>
        )}
        <Button
          loading={save.isPending}
          disabled={!body.trim() || body === template.body}
          onClick={() => save.mutate({ params: { path }, body: { body } })}
        >
          {t("templates.save")}
        </Button>
      </Group>
      <Stack gap={2} component="section" aria-label={t("templates.placeholders")}>
        <Text size="sm" fw={600}>
          {t("templates.placeholders")}
        </Text>
        {placeholders.map((p) => (
          <Text size="sm" key={p.name}>
            <code>{`{${p.name}}`}</code> — {t(`placeholders.${p.name}`, { defaultValue: p.description })}
          </Text>
        ))}
      </Stack>
    </Stack>
  );
}

export function MessageTemplates({ clinic }: { clinic: Clinic }) {
  const { t } = useTranslation(["adminSetup", "common"]);
  const query = $api.useQuery("get", "/v1/clinics/{clinic_id}/message-templates", { params: { path: { clinic_id: clinic.id } } });
  const types = $api.useQuery("get", "/v1/appointment-types", { params: { query: { clinic_id: clinic.id, limit: 200 } } });
  const [kind, setKind] = useState("confirmation");
  const [language, setLanguage] = useState<string>("en");
  const templates = query.data?.templates ?? [];
  const kinds = [...new Set(templates.map((tpl) => tpl.kind))];
  const template = templates.find((tpl) => tpl.kind === kind && tpl.language === language);
  const typeName = types.data?.items.find((type) => type.active)?.name ?? t("templates.sampleType");

  return (
    <Stack gap="sm" component="section" aria-labelledby="templates-heading">
      <Title order={2} size="h3" id="templates-heading">
        {t("templates.title")}
      </Title>
      {query.isLoading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={query.error} />
      {kinds.length > 0 && (
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <NativeSelect
            label={t("templates.kind")}
            value={kind}
            onChange={(event) => setKind(event.currentTarget.value)}
            data={kinds.map((k) => ({ value: k, label: t(`kinds.${k}`, { defaultValue: k }) }))}
          />
          <NativeSelect
            label={t("templates.language")}
            value={language}
            onChange={(event) => setLanguage(event.currentTarget.value)}
            data={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
          />
        </SimpleGrid>
      )}
      {template && (
        <TemplateEditor
          key={`${template.kind}/${template.language}/${template.source}/${template.updated_at ?? ""}`}
          clinic={clinic}
          template={template}
          typeName={typeName}
          placeholders={query.data?.placeholders ?? []}
        />
      )}
    </Stack>
  );
}

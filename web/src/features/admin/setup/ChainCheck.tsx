/** Org admins check the audit log's hash chain, part by part, from the oldest entry. */
import { Alert, Button, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../../../api/client";
import type { components } from "../../../api/schema";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { formatNumber } from "../../../lib/format";

type Verification = components["schemas"]["AuditVerification"];
const PART = 1000;

async function verifyChain(): Promise<{ last: Verification; checked: number }> {
  let cursor: string | undefined;
  let checked = 0;
  for (;;) {
    const { data } = await api.GET("/v1/audit-events/verification", { params: { query: { limit: PART, cursor } } });
    const part = data!;
    checked += part.checked;
    if (!part.next_cursor || !part.intact || part.complete) {
      return { last: part, checked };
    }
    cursor = part.next_cursor;
  }
}

export function ChainCheck() {
  const { t, i18n } = useTranslation("adminSetup");
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<{ last: Verification; checked: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async () => {
    setRunning(true);
    setResult(null);
    setError(null);
    try {
      setResult(await verifyChain());
    } catch (failure) {
      setError(failure);
    } finally {
      setRunning(false);
    }
  };
  const checked = result ? formatNumber(result.checked, i18n.language) : "";
  const broken = result?.last.broken;

  return (
    <Stack gap="xs" component="section" aria-label={t("audit.verify")}>
      <div>
        <Button variant="light" onClick={run} loading={running}>
          {t("audit.verify")}
        </Button>
      </div>
      <Text size="sm" c="gray.7">
        {t("audit.verifyHint")}
      </Text>
      <ProblemAlert error={error} />
      {result && !broken && (
        <Alert color="green" role="status" variant="light" title={result.last.intact ? t("audit.intact") : t("audit.notIntact")}>
          {result.last.complete
            ? t("audit.complete", { count: result.checked, checked, last: result.last.last_seq ?? 0 })
            : t("audit.incomplete", { checked })}
        </Alert>
      )}
      {broken && (
        <Alert color="red" role="alert" variant="light" title={t("audit.broken", { seq: broken.seq })}>
          <Text>{t(`audit.reasons.${broken.reason}`)}</Text>
          <Text size="sm">{broken.message}</Text>
          <Text size="sm">{t("audit.checkedBefore", { checked })}</Text>
        </Alert>
      )}
    </Stack>
  );
}

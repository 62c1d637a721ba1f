/** One provider or "any provider": the providers who have free times in the coming weeks. */
import { Group, Loader, Radio, SimpleGrid, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { ProblemAlert } from "../ProblemAlert";
import { clinicToday } from "./days";
import { providersOf } from "./providerNames";
import { ANY, useSlots } from "./useSlots";

export const PROVIDER_WINDOW_DAYS = 14;

export function ProviderChoice({
  clinicId,
  zone,
  typeId,
  value,
  onChange,
}: {
  clinicId: string;
  zone: string;
  typeId: string;
  value: string | null;
  onChange: (providerId: string) => void;
}) {
  const { t } = useTranslation("patient");
  const slots = useSlots(clinicId, zone, typeId, ANY, clinicToday(zone), PROVIDER_WINDOW_DAYS);
  const providers = providersOf(slots.data?.items ?? []);
  // A provider named in the address stays offered even without free times now.
  if (value && value !== ANY && !providers.some((p) => p.id === value)) {
    providers.push({ id: value, name: null });
  }
  return (
    <Radio.Group label={t("picker.providerLabel")} value={value} onChange={onChange} name="provider">
      {slots.isPending && slots.fetchStatus !== "idle" ? (
        <Loader role="status" size="sm" aria-label={t("picker.loading")} mt="xs" />
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" mt="xs">
          <ChoiceCard value={ANY} label={t("picker.anyProvider")} hint={t("picker.anyProviderHint")} />
          {providers.map((provider) => (
            <ChoiceCard key={provider.id} value={provider.id} label={provider.name ?? t("picker.unnamedProvider")} />
          ))}
        </SimpleGrid>
      )}
      <ProblemAlert error={slots.error} />
    </Radio.Group>
  );
}

/** A large, keyboard-operable radio (arrow keys move within its group). */
export function ChoiceCard({
  value,
  label,
  hint,
  disabled,
}: {
  value: string;
  label: string;
  hint?: string;
  disabled?: boolean;
}) {
  return (
    <Radio.Card value={value} p="sm" radius="md" withBorder disabled={disabled} style={{ minHeight: 44 }}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Radio.Indicator disabled={disabled} />
        <div>
          <Text fw={600} size="sm" lh={1.3}>
            {label}
          </Text>
          {hint && (
            <Text size="xs" c="gray.7">
              {hint}
            </Text>
          )}
        </div>
      </Group>
    </Radio.Card>
  );
}

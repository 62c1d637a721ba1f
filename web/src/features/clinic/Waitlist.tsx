/** The clinic's waitlist for the front desk: who waits for what, between when, any offer; remove. */
import { Button, Group, Loader, Modal, NativeSelect, Stack, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { useCommand } from "../../api/commands";
import type { components } from "../../api/schema";
import { $api } from "../../api/query";
import { DESK_ROLES } from "../../auth/roles";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatShortDate, formatTime } from "../../lib/format";
import { ZoneNote } from "../provider/ZoneNote";
import { PersonName, usePersonName } from "./PersonName";
import { SOLID, StatusBadge, type Tone, toneText } from "./StatusBadge";
import { useStaffClinics } from "./useStaffClinics";

type Entry = components["schemas"]["WaitlistRead"];
type EntryStatus = Entry["status"];
const FILTERS = ["open", "waiting", "offered", "booked", "cancelled", "lapsed"] as const;
type Filter = (typeof FILTERS)[number];
const LIMIT = 200;

const TONES: Record<EntryStatus, Tone> = {
  waiting: "blue",
  offered: "yellow",
  booked: "green",
  cancelled: "gray",
  lapsed: "orange",
};

/** First in line first. */
export function inLine(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

export function isOpen(entry: Entry): boolean {
  return entry.status === "waiting" || entry.status === "offered";
}

export default function Waitlist() {
  const { t, i18n } = useTranslation(["clinic", "common"]);
  const { clinics, byId, query: clinicsQuery, none } = useStaffClinics(...DESK_ROLES);
  const [params, setParams] = useSearchParams();
  const clinic = byId.get(params.get("clinic") ?? "") ?? clinics[0] ?? null;
  const wanted = params.get("show") as Filter | null;
  const filter: Filter = wanted && FILTERS.includes(wanted) ? wanted : "open";
  const zone = clinic?.time_zone ?? "UTC";
  const language = i18n.language;
  const [removing, setRemoving] = useState<Entry | null>(null);

  const setParam = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set(name, value);
        return next;
      },
      { replace: true },
    );

  const first = $api.useQuery(
    "get",
    "/v1/waitlist",
    { params: { query: { clinic_id: clinic?.id ?? "", status: filter === "open" ? "waiting" : filter, limit: LIMIT } } },
    { enabled: !!clinic, refetchInterval: 30_000 },
  );
  const offered = $api.useQuery(
    "get",
    "/v1/waitlist",
    { params: { query: { clinic_id: clinic?.id ?? "", status: "offered", limit: LIMIT } } },
    { enabled: !!clinic && filter === "open", refetchInterval: 30_000 },
  );
  const types = $api.useQuery(
    "get",
    "/v1/appointment-types",
    { params: { query: { clinic_id: clinic?.id ?? "", limit: 200 } } },
    { enabled: !!clinic, staleTime: 5 * 60_000 },
  );
  const typeName = (id: string) => types.data?.items.find((type) => type.id === id)?.name ?? t("clinic:waitlist.unknownType");

  const entries = inLine([...(first.data?.items ?? []), ...(filter === "open" ? (offered.data?.items ?? []) : [])]);
  const loading = first.isPending || (filter === "open" && offered.isPending);
  const failed = first.error ?? (filter === "open" ? offered.error : null);
  const truncated = !!first.data?.next_cursor || (filter === "open" && !!offered.data?.next_cursor);

  return (
    <Page title={t("clinic:waitlist.title")}>
      {none && <Text>{t("clinic:waitlist.noClinic")}</Text>}
      <ProblemAlert error={clinicsQuery.error} />
      <Group align="flex-end" wrap="wrap">
        {clinics.length > 1 && (
          <NativeSelect
            label={t("clinic:waitlist.clinic")}
            value={clinic?.id}
            onChange={(event) => setParam("clinic", event.currentTarget.value)}
            data={clinics.map((c) => ({ value: c.id, label: c.name }))}
          />
        )}
        <NativeSelect
          label={t("clinic:waitlist.show")}
          value={filter}
          onChange={(event) => setParam("show", event.currentTarget.value)}
          data={FILTERS.map((value) => ({ value, label: t(`clinic:waitlist.filter.${value}`) }))}
        />
      </Group>
      {clinic && <ZoneNote zone={zone} />}
      {clinic && loading && <Loader role="status" aria-label={t("common:app.loading")} />}
      <ProblemAlert error={failed} />
      {clinic && !loading && !failed && entries.length === 0 && <Text c="gray.7">{t("clinic:waitlist.empty")}</Text>}
      {entries.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" striped captionSide="top">
            <Table.Caption style={{ color: "var(--mantine-color-gray-7)" }}>{t("clinic:waitlist.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("clinic:waitlist.col.patient")}</Table.Th>
                <Table.Th scope="col">{t("clinic:waitlist.col.wants")}</Table.Th>
                <Table.Th scope="col">{t("clinic:waitlist.col.between")}</Table.Th>
                <Table.Th scope="col">{t("clinic:waitlist.col.status")}</Table.Th>
                <Table.Th scope="col">{t("clinic:waitlist.col.offer")}</Table.Th>
                <Table.Th scope="col">{t("clinic:waitlist.col.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry) => (
                <Table.Tr key={entry.id} data-testid="waitlist-entry" data-status={entry.status}>
                  <Table.Td>
                    <Stack gap={2}>
                      <Text fw={600} size="sm">
                        <PersonName id={entry.patient_id} fallback={t("clinic:waitlist.unknownPatient")} />
                      </Text>
                      <Text size="sm" c="gray.7">
                        {t("clinic:waitlist.joined", { time: formatShortDate(entry.created_at, zone, language) })}
                      </Text>
                      {entry.note && <Text size="sm">{entry.note}</Text>}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <Text size="sm">{typeName(entry.type_id)}</Text>
                      <Text size="sm" c="gray.7">
                        {entry.provider_id ? (
                          <ProviderPhrase id={entry.provider_id} />
                        ) : (
                          t("clinic:waitlist.anyProvider")
                        )}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {t("clinic:waitlist.between", {
                        from: formatDateTime(entry.earliest, zone, language),
                        to: formatDateTime(entry.latest, zone, language),
                      })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4} align="flex-start">
                      <StatusBadge tone={TONES[entry.status]}>{t(`clinic:waitlist.status.${entry.status}`)}</StatusBadge>
                      {entry.offers_made > 0 && (
                        <Text size="sm" c="gray.7">
                          {t("clinic:waitlist.offersMade", { count: entry.offers_made })}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    {entry.status === "offered" && entry.hold_id ? (
                      <Offer holdId={entry.hold_id} zone={zone} />
                    ) : (
                      <Text size="sm" c="gray.7">
                        {t("clinic:waitlist.noOffer")}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {isOpen(entry) && <RemoveButton entry={entry} onClick={() => setRemoving(entry)} />}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {truncated && (
        <Text size="sm" c="gray.7">
          {t("clinic:waitlist.more", { count: LIMIT })}
        </Text>
      )}
      <RemoveDialog entry={removing} typeName={removing ? typeName(removing.type_id) : ""} onClose={() => setRemoving(null)} />
    </Page>
  );
}

function ProviderPhrase({ id }: { id: string }) {
  const { t } = useTranslation("clinic");
  const name = usePersonName(id) ?? t("waitlist.someone");
  return <>{t("waitlist.withProvider", { name })}</>;
}

/** The slot held for the patient: when, with whom, and until when they may take it. */
function Offer({ holdId, zone }: { holdId: string; zone: string }) {
  const { t, i18n } = useTranslation("clinic");
  const hold = $api.useQuery("get", "/v1/slot-holds/{hold_id}", { params: { path: { hold_id: holdId } } }, { retry: false });
  const provider = usePersonName(hold.data?.provider_id) ?? t("waitlist.someone");
  if (hold.isPending) {
    return <Loader role="status" size="xs" aria-label={t("waitlist.col.offer")} />;
  }
  if (!hold.data) {
    return (
      <Text size="sm" c="gray.7">
        {t("waitlist.offerGone")}
      </Text>
    );
  }
  const language = i18n.language;
  return (
    <Stack gap={2}>
      <Text size="sm">{t("waitlist.offer", { time: formatDateTime(hold.data.starts_at, zone, language), provider })}</Text>
      {hold.data.hold_expires_at && (
        <Text size="sm" fw={600} style={{ color: toneText("orange") }}>
          {t("waitlist.offerExpires", { time: formatTime(hold.data.hold_expires_at, zone, language) })}
        </Text>
      )}
    </Stack>
  );
}

function RemoveButton({ entry, onClick }: { entry: Entry; onClick: () => void }) {
  const { t } = useTranslation("clinic");
  const name = usePersonName(entry.patient_id) ?? t("waitlist.unknownPatient");
  return (
    <Button variant="default" size="sm" onClick={onClick} aria-label={t("waitlist.removeFor", { name })}>
      {t("waitlist.remove")}
    </Button>
  );
}

function RemoveDialog({ entry, typeName, onClose }: { entry: Entry | null; typeName: string; onClose: () => void }) {
  const { t } = useTranslation(["clinic", "common"]);
  const cancel = useCommand("post", "/v1/waitlist/{entry_id}/cancel");
  const name = usePersonName(entry?.patient_id) ?? t("clinic:waitlist.unknownPatient");
  const close = () => {
    cancel.reset();
    onClose();
  };
  const confirm = async () => {
    if (!entry) {
      return;
    }
    try {
      await cancel.mutateAsync({ params: { path: { entry_id: entry.id } } });
      notifications.show({ color: "teal", closeButtonProps: { "aria-label": t("common:actions.close") }, message: t("clinic:waitlist.removed", { name }) });
      close();
    } catch {
      // shown in the dialog, next to the button that failed
    }
  };
  return (
    <Modal
      opened={entry !== null}
      onClose={close}
      title={t("clinic:waitlist.confirmTitle")}
      closeButtonProps={{ "aria-label": t("common:actions.close") }}
    >
      <Stack>
        <Text>{t("clinic:waitlist.confirmText", { name, type: typeName })}</Text>
        <ProblemAlert error={cancel.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t("clinic:waitlist.keep")}
          </Button>
          <Button {...SOLID.red} onClick={() => void confirm()} loading={cancel.isPending}>
            {t("clinic:waitlist.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

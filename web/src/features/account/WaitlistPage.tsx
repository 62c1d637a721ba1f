/** The patient's waitlist: join for a type and window, see offers, book one, or leave. */
import {
  Alert, Anchor, Badge, Button, Checkbox, Group, Loader, Modal, NativeSelect, Paper, SimpleGrid, Stack, Text,
  TextInput, Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useCommand } from "../../api/commands";
import { isProblem } from "../../api/problem";
import { $api } from "../../api/query";
import type { components } from "../../api/schema";
import { Page } from "../../components/Page";
import { notify } from "./notify";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatTime, localDay, zoneDiffers, zoneName } from "../../lib/format";
import { addDays, zonedInstant } from "./zoneTime";

type Clinic = components["schemas"]["ClinicRead"];
type Entry = components["schemas"]["WaitlistRead"];
type Status = Entry["status"];
const ACTIVE: Status[] = ["offered", "waiting"];
const MAX_WINDOW_DAYS = 180;
const STATUS_COLORS: Record<Status, string> = {
  offered: "red.9",
  waiting: "blue.9",
  booked: "teal.9",
  cancelled: "gray.7",
  lapsed: "gray.7",
};

function useClinics() {
  const query = $api.useQuery("get", "/v1/clinics", { params: { query: { limit: 200 } } }, { staleTime: 5 * 60_000 });
  const byId = useMemo(() => new Map((query.data?.items ?? []).map((c) => [c.id, c])), [query.data]);
  return { ...query, clinics: query.data?.items ?? [], byId };
}

function useTypes(clinicId: string | undefined) {
  return $api.useQuery(
    "get",
    "/v1/appointment-types",
    { params: { query: { clinic_id: clinicId ?? "", limit: 200 } } },
    { enabled: !!clinicId, staleTime: 5 * 60_000 },
  );
}

function useNow(intervalMs: number, enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, enabled]);
  return now;
}

export function WaitlistPage() {
  const { t } = useTranslation(["account", "common"]);
  const entries = $api.useQuery("get", "/v1/waitlist", { params: { query: { limit: 200 } } });
  const clinics = useClinics();
  const sorted = useMemo(() => {
    const items = [...(entries.data?.items ?? [])];
    const rank = (e: Entry) => (ACTIVE.includes(e.status) ? ACTIVE.indexOf(e.status) : 9);
    return items.sort((a, b) => rank(a) - rank(b) || b.created_at.localeCompare(a.created_at));
  }, [entries.data]);

  return (
    <Page title={t("waitlist.title")}>
      <Text maw={640}>{t("waitlist.intro")}</Text>
      <section aria-labelledby="waitlist-entries">
        <Stack maw={640}>
          <Title order={2} size="h4" id="waitlist-entries">
            {t("waitlist.yours")}
          </Title>
          {entries.isPending && <Loader role="status" aria-label={t("common:app.loading")} />}
          {entries.isError && <ProblemAlert error={entries.error} />}
          {entries.data && sorted.length === 0 && <Text c="gray.7">{t("waitlist.none")}</Text>}
          {sorted.map((entry) => (
            <EntryCard key={entry.id} entry={entry} clinic={clinics.byId.get(entry.clinic_id)} />
          ))}
        </Stack>
      </section>
      <JoinForm clinics={clinics.clinics} loading={clinics.isPending} error={clinics.error} />
    </Page>
  );
}

function EntryCard({ entry, clinic }: { entry: Entry; clinic: Clinic | undefined }) {
  const { t, i18n } = useTranslation(["account", "common"]);
  const types = useTypes(entry.clinic_id);
  const type = types.data?.items.find((x) => x.id === entry.type_id);
  const zone = clinic?.time_zone ?? "UTC";
  const lang = i18n.language;
  const [confirming, { open, close }] = useDisclosure(false);
  const leave = useCommand("post", "/v1/waitlist/{entry_id}/cancel");
  const active = ACTIVE.includes(entry.status);
  const headingId = `entry-${entry.id}`;

  const doLeave = async () => {
    try {
      await leave.mutateAsync({ params: { path: { entry_id: entry.id } } });
      close();
      notify(t("waitlist.left"));
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Paper withBorder p="md" component="article" aria-labelledby={headingId}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
          <Title order={3} size="h5" id={headingId}>
            {type?.name ?? t("waitlist.someType")}
            <Text span c="gray.7" size="sm" fw={400}>
              {" · "}
              {clinic?.name ?? ""}
            </Text>
          </Title>
          <Badge color={STATUS_COLORS[entry.status]} variant="filled" style={{ flexShrink: 0 }}>
            {t(`waitlist.status.${entry.status}`)}
          </Badge>
        </Group>
        <Text size="sm">
          {t("waitlist.window", {
            from: formatDateTime(entry.earliest, zone, lang),
            until: formatDateTime(entry.latest, zone, lang),
          })}
        </Text>
        <Text size="sm" c="gray.7">
          {entry.provider_id ? t("waitlist.chosenProvider") : t("waitlist.anyProvider")}
        </Text>
        {clinic && zoneDiffers(zone) && (
          <Text size="xs" c="gray.7">
            {t("common:time.clinicZone", { zone: zoneName(zone, lang) })}
          </Text>
        )}
        {entry.status === "offered" && entry.hold_id && <Offer holdId={entry.hold_id} zone={zone} />}
        {entry.status === "booked" && (
          <Anchor component={Link} to="/appointments" size="sm">
            {t("waitlist.seeAppointments")}
          </Anchor>
        )}
        {active && (
          <Group>
            <Button variant="subtle" color="red" size="sm" onClick={open}>
              {t("waitlist.leave")}
            </Button>
          </Group>
        )}
      </Stack>
      <Modal opened={confirming} onClose={close} title={t("waitlist.leaveTitle")} centered>
        <Stack>
          <Text size="sm">{t("waitlist.leaveConfirm", { type: type?.name ?? t("waitlist.someType") })}</Text>
          <ProblemAlert error={leave.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("waitlist.stay")}
            </Button>
            <Button color="red.9" loading={leave.isPending} onClick={() => void doLeave()}>
              {t("waitlist.leave")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** A freed slot kept for this patient for a few minutes: its time, the time left, and a way to take it. */
function Offer({ holdId, zone }: { holdId: string; zone: string }) {
  const { t, i18n } = useTranslation(["account", "common"]);
  const hold = $api.useQuery("get", "/v1/slot-holds/{hold_id}", { params: { path: { hold_id: holdId } } });
  const book = useCommand("post", "/v1/appointments");
  const [booked, setBooked] = useState(false);
  const expires = hold.data?.hold_expires_at ? Date.parse(hold.data.hold_expires_at) : null;
  const now = useNow(1000, expires !== null && !booked);
  const left = expires === null ? null : Math.max(0, Math.round((expires - now) / 1000));
  const lang = i18n.language;

  if (hold.isPending) {
    return <Loader role="status" size="sm" aria-label={t("common:app.loading")} />;
  }
  if (hold.isError) {
    return <ProblemAlert error={hold.error} />;
  }
  const slot = hold.data;
  const lapsed = left === 0;
  const takeIt = async () => {
    try {
      await book.mutateAsync({ body: { hold_id: holdId, walk_in: false } });
      setBooked(true);
    } catch {
      // shown below
    }
  };

  if (booked) {
    return (
      <Alert color="teal" variant="light" role="status" title={t("waitlist.bookedTitle")}>
        <Stack gap={4}>
          <Text size="sm">
            {t("waitlist.bookedText", { when: formatDateTime(slot.starts_at, zone, lang) })}
          </Text>
          <Anchor component={Link} to="/appointments" size="sm" fw={600}>
            {t("waitlist.seeAppointments")}
          </Anchor>
        </Stack>
      </Alert>
    );
  }
  const expired = isProblem(book.error) && (book.error.slug === "hold-expired" || book.error.status === 404);
  return (
    <Paper p="sm" radius="md" bg="orange.0" withBorder style={{ borderColor: "var(--mantine-color-orange-4)" }}>
      <Stack gap="xs">
        <Text fw={700}>{t("waitlist.offerTitle")}</Text>
        <Text size="sm">
          {t("waitlist.offerText", {
            date: formatDateTime(slot.starts_at, zone, lang),
            end: formatTime(slot.ends_at, zone, lang),
          })}
        </Text>
        {left !== null && !lapsed && (
          <Text size="sm" fw={600}>
            {t("waitlist.offerLeft", { minutes: Math.floor(left / 60), seconds: String(left % 60).padStart(2, "0") })}
          </Text>
        )}
        {(lapsed || expired) && (
          <Text size="sm" role="alert">
            {t("waitlist.offerLapsed")}
          </Text>
        )}
        {!expired && book.error !== null && <ProblemAlert error={book.error} />}
        {!lapsed && !expired && (
          <Group>
            <Button loading={book.isPending} onClick={() => void takeIt()}>
              {t("waitlist.bookIt")}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

interface JoinValues {
  clinic_id: string;
  type_id: string;
  only_provider: boolean;
  from_day: string;
  from_time: string;
  until_day: string;
  until_time: string;
}

function JoinForm({ clinics, loading, error }: { clinics: Clinic[]; loading: boolean; error: unknown }) {
  const { t, i18n } = useTranslation(["account", "common"]);
  const [params] = useSearchParams();
  const providerId = params.get("provider");
  const join = useCommand("post", "/v1/waitlist");
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<JoinValues>({
    initialValues: {
      clinic_id: params.get("clinic") ?? "",
      type_id: params.get("type") ?? "",
      only_provider: !!providerId,
      from_day: "",
      from_time: "00:00",
      until_day: "",
      until_time: "23:59",
    },
    validate: {
      clinic_id: (v) => (v ? null : t("waitlist.pickClinic")),
      type_id: (v) => (v ? null : t("waitlist.pickType")),
      from_day: (v) => (v ? null : t("waitlist.pickDay")),
      until_day: (v, values) => {
        if (!v) {
          return t("waitlist.pickDay");
        }
        if (`${v}T${values.until_time}` <= `${values.from_day}T${values.from_time}`) {
          return t("waitlist.untilAfterFrom");
        }
        if (values.from_day && v > addDays(values.from_day, MAX_WINDOW_DAYS)) {
          return t("waitlist.tooLong", { days: MAX_WINDOW_DAYS });
        }
        return null;
      },
    },
  });
  const clinicId = form.values.clinic_id;
  const clinic = clinics.find((c) => c.id === clinicId);
  const types = useTypes(clinicId || undefined);
  const bookable = (types.data?.items ?? []).filter((x) => x.active && x.online_bookable !== false);
  const zone = clinic?.time_zone;

  // One clinic: no choice to make. The days default to the next two weeks on the clinic's calendar.
  useEffect(() => {
    if (!form.values.clinic_id && clinics.length === 1) {
      form.setFieldValue("clinic_id", clinics[0]!.id);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [clinics]);
  useEffect(() => {
    if (zone && !form.values.from_day) {
      const today = localDay(new Date(), zone);
      form.setFieldValue("from_day", today);
      form.setFieldValue("until_day", addDays(today, 14));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [zone]);
  useEffect(() => {
    if (bookable.length === 1 && !bookable.some((x) => x.id === form.values.type_id)) {
      form.setFieldValue("type_id", bookable[0]!.id);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bookable.map((x) => x.id).join()]);

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    const tz = zone ?? "UTC";
    try {
      await join.mutateAsync({
        body: {
          clinic_id: values.clinic_id,
          type_id: values.type_id,
          provider_id: values.only_provider && providerId ? providerId : null,
          earliest: zonedInstant(values.from_day, values.from_time || "00:00", tz),
          latest: zonedInstant(values.until_day, values.until_time || "23:59", tz),
        },
      });
      notify(t("waitlist.joined"));
    } catch (e) {
      setFailure(e);
    }
  });

  return (
    <Paper withBorder p="md" maw={640} component="section" aria-labelledby="waitlist-join">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4" id="waitlist-join">
            {t("waitlist.joinTitle")}
          </Title>
          <Text size="sm">{t("waitlist.joinIntro")}</Text>
          {error !== null && <ProblemAlert error={error} />}
          <NativeSelect
            label={t("waitlist.clinic")}
            required
            disabled={loading}
            data={[{ value: "", label: t("waitlist.choose") }, ...clinics.map((c) => ({ value: c.id, label: c.name }))]}
            {...form.getInputProps("clinic_id")}
            onChange={(e) => {
              form.setFieldValue("clinic_id", e.currentTarget.value);
              form.setFieldValue("type_id", "");
            }}
          />
          <NativeSelect
            label={t("waitlist.type")}
            required
            disabled={!clinicId || types.isPending}
            data={[
              { value: "", label: t("waitlist.choose") },
              ...bookable.map((x) => ({ value: x.id, label: `${x.name} (${t("waitlist.minutes", { count: x.duration_minutes })})` })),
            ]}
            {...form.getInputProps("type_id")}
          />
          {types.isError && <ProblemAlert error={types.error} />}
          {providerId && (
            <Checkbox
              label={t("waitlist.onlyProvider")}
              description={t("waitlist.onlyProviderHint")}
              styles={{ body: { minHeight: 40, alignItems: "center" } }}
              {...form.getInputProps("only_provider", { type: "checkbox" })}
            />
          )}
          <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
            <TextInput type="date" label={t("waitlist.fromDay")} required {...form.getInputProps("from_day")} />
            <TextInput type="time" label={t("waitlist.fromTime")} {...form.getInputProps("from_time")} />
            <TextInput
              type="date"
              label={t("waitlist.untilDay")}
              required
              min={form.values.from_day || undefined}
              {...form.getInputProps("until_day")}
            />
            <TextInput type="time" label={t("waitlist.untilTime")} {...form.getInputProps("until_time")} />
          </SimpleGrid>
          {zone && zoneDiffers(zone) && (
            <Text size="xs" c="gray.7">
              {t("common:time.clinicZone", { zone: zoneName(zone, i18n.language) })}
            </Text>
          )}
          <ProblemAlert error={failure} />
          <Group>
            <Button type="submit" loading={join.isPending}>
              {t("waitlist.join")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

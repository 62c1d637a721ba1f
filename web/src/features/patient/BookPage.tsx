/**
 * /book: clinic -> appointment type -> provider or any -> day -> time; a time is held at once
 * and the confirm step books the hold. Every choice lives in the address (reload, back).
 */
import { Alert, Button, Group, Loader, Paper, Radio, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";

import { useCommand } from "../../api/commands";
import { isProblem } from "../../api/problem";
import { $api } from "../../api/query";
import { AlternativeTimes } from "../../components/booking/AlternativeTimes";
import { BookingProblem } from "../../components/booking/BookingProblem";
import { isDay } from "../../components/booking/days";
import { HoldCountdown } from "../../components/booking/HoldCountdown";
import { alternativesOf, type Alternative, isSlug } from "../../components/booking/problems";
import { ChoiceCard, ProviderChoice } from "../../components/booking/ProviderChoice";
import { providerName } from "../../components/booking/providerNames";
import { SlotPicker, type Slot } from "../../components/booking/SlotPicker";
import { ANY } from "../../components/booking/useSlots";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatTime, localDay } from "../../lib/format";
import { bookable, type Clinic, useClinics, useTypes } from "./data";

type Lost = { kind: "expired" } | { kind: "taken"; error: unknown };

/** The order of the choices: changing one forgets those after it. */
const STEPS = ["clinic", "type", "provider", "day", "hold"] as const;
type Step = (typeof STEPS)[number];

export function BookPage() {
  const { t } = useTranslation("patient");
  const [params, setParams] = useSearchParams();
  const clinicId = params.get("clinic");
  const typeId = params.get("type");
  const providerId = params.get("provider");
  const day = isDay(params.get("day")) ? params.get("day") : null;
  const holdId = params.get("hold");

  const clinics = useClinics();
  const clinic = clinics.data?.items.find((c) => c.id === clinicId);
  const types = useTypes(clinic?.id);
  const typeList = bookable(types.data?.items);
  const type = typeList.find((candidate) => candidate.id === typeId);

  const [lost, setLost] = useState<Lost | null>(null);

  const choose = useCallback(
    (step: Step, value: string | null, extra: Partial<Record<Step, string>> = {}, replace = false) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          const index = STEPS.indexOf(step);
          // The day survives a change of provider: only what depends on it is forgotten.
          STEPS.slice(index + 1).forEach((later) => {
            if (!(step === "provider" && later === "day")) {
              next.delete(later);
            }
          });
          if (value === null) {
            next.delete(step);
          } else {
            next.set(step, value);
          }
          Object.entries(extra).forEach(([key, v]) => next.set(key, v));
          return next;
        },
        { replace },
      );
    },
    [setParams],
  );

  return (
    <Page title={t("book.title")}>
      {holdId && clinic && type ? (
        <ConfirmStep
          holdId={holdId}
          clinic={clinic}
          typeName={type.name}
          providerChoice={providerId ?? ANY}
          onLost={(why) => {
            setLost(why);
            choose("hold", null, {}, true);
          }}
          onBack={() => {
            setLost(null);
            choose("hold", null, {}, true);
          }}
        />
      ) : (
        <Stack gap="lg">
          {clinics.isPending ? (
            <Loader role="status" aria-label={t("picker.loading")} />
          ) : (
            <Radio.Group
              label={t("book.clinicLabel")}
              value={clinicId}
              onChange={(value) => {
                setLost(null);
                choose("clinic", value);
              }}
              name="clinic"
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
                {(clinics.data?.items ?? []).map((c) => (
                  <ChoiceCard
                    key={c.id}
                    value={c.id}
                    label={c.name}
                    hint={c.booking_policy.patient_self_booking ? (c.address ?? undefined) : t("book.clinicByPhone")}
                    disabled={!c.booking_policy.patient_self_booking}
                  />
                ))}
              </SimpleGrid>
            </Radio.Group>
          )}
          <ProblemAlert error={clinics.error} />

          {clinic && (
            <>
              {types.isPending ? (
                <Loader role="status" size="sm" aria-label={t("picker.loading")} />
              ) : typeList.length === 0 && !types.error ? (
                <Text>{t("book.noTypes")}</Text>
              ) : (
                <Radio.Group
                  label={t("book.typeLabel")}
                  value={typeId}
                  onChange={(value) => {
                    setLost(null);
                    choose("type", value);
                  }}
                  name="type"
                >
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
                    {typeList.map((candidate) => (
                      <ChoiceCard
                        key={candidate.id}
                        value={candidate.id}
                        label={candidate.name}
                        hint={t("book.minutes", { count: candidate.duration_minutes })}
                      />
                    ))}
                  </SimpleGrid>
                </Radio.Group>
              )}
              <ProblemAlert error={types.error} />
            </>
          )}

          {clinic && type && (
            <ProviderChoice
              clinicId={clinic.id}
              zone={clinic.time_zone}
              typeId={type.id}
              value={providerId}
              onChange={(value) => {
                setLost(null);
                choose("provider", value);
              }}
            />
          )}

          {clinic && type && providerId && (
            <TimeStep
              clinic={clinic}
              typeId={type.id}
              providerId={providerId}
              day={day}
              lost={lost}
              onDay={(value) => {
                setLost(null);
                choose("day", value);
              }}
              onHeld={(id, heldDay) => {
                setLost(null);
                choose("hold", id, heldDay ? { day: heldDay } : {});
              }}
              onLost={setLost}
            />
          )}
        </Stack>
      )}
    </Page>
  );
}

function TimeStep({
  clinic,
  typeId,
  providerId,
  day,
  lost,
  onDay,
  onHeld,
  onLost,
}: {
  clinic: Clinic;
  typeId: string;
  providerId: string;
  day: string | null;
  lost: Lost | null;
  onDay: (day: string) => void;
  onHeld: (holdId: string, day: string | null) => void;
  onLost: (lost: Lost) => void;
}) {
  const { t } = useTranslation("patient");
  const queryClient = useQueryClient();
  const hold = useCommand("post", "/v1/slot-holds");
  const [busyStart, setBusyStart] = useState<string | null>(null);
  const zone = clinic.time_zone;

  const take = async (startsAt: string) => {
    setBusyStart(startsAt);
    try {
      const held = await hold.mutateAsync({
        body: {
          clinic_id: clinic.id,
          type_id: typeId,
          starts_at: startsAt,
          provider_id: providerId === ANY ? null : providerId,
        },
      });
      const heldDay = localDay(held.starts_at, zone);
      onHeld(held.id, heldDay !== day ? heldDay : null);
    } catch (error) {
      onLost({ kind: "taken", error });
      // What was free a moment ago may not be any more.
      void queryClient.invalidateQueries({ queryKey: ["get", "/v1/slots"] });
    } finally {
      setBusyStart(null);
    }
  };

  const notice =
    lost?.kind === "expired" ? (
      <Alert color="orange" role="alert" title={t("hold.expiredTitle")} mb="sm" variant="light">
        <Text c="orange.9" size="sm">
          {t("hold.expired")}
        </Text>
      </Alert>
    ) : lost?.kind === "taken" ? (
      <Stack gap="xs" mb="sm">
        <BookingProblem error={lost.error} title={isSlug(lost.error, "slot-taken") ? t("book.takenTitle") : undefined} />
        {isSlug(lost.error, "slot-taken", "slot-unavailable") && (
          <AlternativeTimes
            alternatives={alternativesOf(lost.error)}
            zone={zone}
            busyStart={busyStart}
            onPick={(alternative: Alternative) => void take(alternative.starts_at)}
          />
        )}
      </Stack>
    ) : null;

  return (
    <SlotPicker
      clinicId={clinic.id}
      zone={zone}
      typeId={typeId}
      providerId={providerId}
      day={day}
      onDayChange={onDay}
      onPick={(slot: Slot) => void take(slot.starts_at)}
      busyStart={busyStart}
      notice={notice}
    />
  );
}

function ConfirmStep({
  holdId,
  clinic,
  typeName,
  providerChoice,
  onLost,
  onBack,
}: {
  holdId: string;
  clinic: Clinic;
  typeName: string;
  providerChoice: string;
  onLost: (lost: Lost) => void;
  onBack: () => void;
}) {
  const { t, i18n } = useTranslation("patient");
  const navigate = useNavigate();
  const heading = useRef<HTMLHeadingElement>(null);
  const held = $api.useQuery(
    "get",
    "/v1/slot-holds/{hold_id}",
    { params: { path: { hold_id: holdId } } },
    { staleTime: Infinity, refetchOnWindowFocus: false },
  );
  const book = useCommand("post", "/v1/appointments");
  const release = useCommand("delete", "/v1/slot-holds/{hold_id}");
  const zone = clinic.time_zone;
  const language = i18n.language;
  const confirming = useRef(false);

  useEffect(() => {
    if (held.data) {
      heading.current?.focus();
    }
  }, [held.data]);

  const expired = useCallback(() => onLost({ kind: "expired" }), [onLost]);

  useEffect(() => {
    // A hold that is gone (lapsed and swept, or already used) cannot be confirmed.
    if (confirming.current) {
      return;
    }
    if (held.error && isProblem(held.error) && held.error.status === 404) {
      expired();
    } else if (held.data && held.data.status !== "pending") {
      if (held.data.status === "booked") {
        void navigate(`/appointments/${held.data.id}`, { replace: true });
      } else {
        expired();
      }
    }
  }, [held.error, held.data, expired, navigate]);

  if (held.isPending) {
    return <Loader role="status" aria-label={t("picker.loading")} />;
  }
  if (!held.data) {
    return <ProblemAlert error={held.error} />;
  }
  const appointment = held.data;
  const named = providerName(appointment.provider_id);

  const confirm = async () => {
    confirming.current = true;
    try {
      const booked = await book.mutateAsync({ body: { hold_id: appointment.id, walk_in: false } });
      void navigate(`/appointments/${booked.id}`, { state: { booked: true }, replace: true });
    } catch (error) {
      confirming.current = false;
      if (isSlug(error, "hold-expired")) {
        onLost({ kind: "expired" });
      } else if (isSlug(error, "slot-taken")) {
        onLost({ kind: "taken", error });
      }
      // anything else stays here, shown under the button
    }
  };

  const another = async () => {
    try {
      await release.mutateAsync({ params: { path: { hold_id: appointment.id } } });
    } catch {
      // a hold that cannot be released lapses on its own within minutes
    }
    onBack();
  };

  return (
    <Paper withBorder p="md" radius="md" maw={560}>
      <Stack gap="sm">
        <Title order={2} size="h3" ref={heading} tabIndex={-1} style={{ outline: "none" }}>
          {t("confirm.title")}
        </Title>
        <Stack component="dl" gap={4} m={0}>
          <SummaryRow label={t("confirm.when")}>
            {formatDate(appointment.starts_at, zone, language)}, {formatTime(appointment.starts_at, zone, language)}
          </SummaryRow>
          <SummaryRow label={t("confirm.what")}>{typeName}</SummaryRow>
          <SummaryRow label={t("confirm.who")}>
            {named ?? (providerChoice === ANY ? t("picker.anyProvider") : t("picker.unnamedProvider"))}
          </SummaryRow>
          <SummaryRow label={t("confirm.where")}>{clinic.name}</SummaryRow>
        </Stack>
        {appointment.hold_expires_at && <HoldCountdown expiresAt={appointment.hold_expires_at} onExpire={expired} />}
        <Text size="sm" c="gray.7">
          {t("confirm.heldNote")}
        </Text>
        <BookingProblem error={book.error} />
        <Group>
          <Button size="md" color="teal.9" onClick={() => void confirm()} loading={book.isPending}>
            {t("confirm.book")}
          </Button>
          <Button size="md" variant="default" onClick={() => void another()} disabled={book.isPending}>
            {t("confirm.another")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function SummaryRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text component="dt" size="sm" c="gray.7" miw={80}>
        {label}
      </Text>
      <Text component="dd" m={0} fw={600}>
        {children}
      </Text>
    </Group>
  );
}

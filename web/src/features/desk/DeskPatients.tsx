/**
 * Patients at the desk: find one by phone or name, register a new one, then book for them:
 * type, provider or any, a free time (staff see every free start from now), or walk in now.
 */
import { Alert, Anchor, Button, Card, Checkbox, Group, Loader, NativeSelect, Radio, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDebouncedValue } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useCommand } from "../../api/commands";
import { isProblem } from "../../api/problem";
import { $api } from "../../api/query";
import { applyFieldErrors } from "../../components/formErrors";
import { Page } from "../../components/Page";
import { ProblemAlert } from "../../components/ProblemAlert";
import { LANGUAGES } from "../../i18n";
import { formatDate, formatShortDate, formatTime, zoneDiffers, zoneName } from "../../lib/format";
import { type Alternative, ClashAlert } from "./ClashAlert";
import { ClinicSelect } from "./ClinicSelect";
import type { Appointment } from "./layout";
import { type Patient, useClinicNames } from "./names";
import { readable } from "./readable";
import { SlotPicker } from "./SlotPicker";
import { type Clinic, useDeskClinic } from "./useDeskClinic";
import { dayStart, isDay, today } from "./zone";

const E164 = /^\+[1-9]\d{6,14}$/;

/** A strong random password the patient never needs to know (identity wants one). */
export function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `Desk-${Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("")}`;
}

export default function DeskPatients() {
  const { t } = useTranslation(["desk", "common"]);
  const { clinics, clinic, choose, query: clinicsQuery } = useDeskClinic();
  const [patient, setPatient] = useState<Patient | null>(null);
  const [registering, setRegistering] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const pick = (p: Patient, message: string | null = null) => {
    setPatient(p);
    setNotice(message);
    setRegistering(false);
  };
  return (
    <Page title={t("patients.title")}>
      {clinicsQuery.isLoading ? (
        <Loader role="status" aria-label={t("common:app.loading")} />
      ) : !clinic ? (
        clinicsQuery.error ? <ProblemAlert error={clinicsQuery.error} /> : <Text>{t("clinic.none")}</Text>
      ) : (
        <>
          <ClinicSelect clinics={clinics} value={clinic.id} onChange={choose} />
          {notice && (
            <Alert color="teal" c="teal.9" variant="light" role="status">
              {notice}
            </Alert>
          )}
          {patient ? (
            <Card withBorder padding="md">
              <Stack gap="sm">
                <Group justify="space-between" wrap="wrap">
                  <Title order={2} size="h3">
                    {t("patients.selected", { name: patient.full_name })}
                  </Title>
                  <Button variant="default" onClick={() => { setPatient(null); setNotice(null); }}>
                    {t("patients.change")}
                  </Button>
                </Group>
                {patient.phone && <Text size="sm">{patient.phone}</Text>}
                <BookForPatient key={`${patient.id}-${clinic.id}`} clinic={clinic} patient={patient} />
              </Stack>
            </Card>
          ) : (
            <>
              <PatientSearch onPick={(p) => pick(p)} />
              {registering ? (
                <RegisterPatient
                  onRegistered={(p, message) => pick(p, message)}
                  onCancel={() => setRegistering(false)}
                />
              ) : (
                <Group>
                  <Button variant="outline" onClick={() => setRegistering(true)}>
                    {t("patients.register")}
                  </Button>
                </Group>
              )}
            </>
          )}
        </>
      )}
    </Page>
  );
}

function PatientSearch({ onPick }: { onPick: (patient: Patient) => void }) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const [q, setQ] = useState("");
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const enabled = debounced.length >= 2;
  const query = $api.useQuery(
    "get",
    "/v1/users",
    { params: { query: { kind: "patient", q: debounced, limit: 20 } } },
    { enabled },
  );
  const items = query.data?.items ?? [];
  return (
    <Stack gap="xs">
      <TextInput
        label={t("patients.search")}
        styles={readable}
        description={t("patients.searchHint")}
        value={q}
        onChange={(event) => setQ(event.currentTarget.value)}
        type="search"
        autoComplete="off"
        maw={420}
      />
      {query.error && <ProblemAlert error={query.error} />}
      {enabled && query.isFetching && !query.data && <Loader role="status" size="sm" aria-label={t("common:app.loading")} />}
      {enabled && query.data && (
        <section aria-label={t("patients.results")}>
          {items.length === 0 ? (
            <Text role="status">{t("patients.noResults")}</Text>
          ) : (
            <Stack gap={6} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {items.map((p) => (
                <Card key={p.id} component="li" withBorder padding="xs">
                  <Group justify="space-between" wrap="wrap" gap="xs">
                    <div>
                      <Text fw={600}>{p.full_name}</Text>
                      <Text size="sm" c="gray.7">
                        {[p.phone, p.email, p.date_of_birth && t("patients.born", { date: formatDate(`${p.date_of_birth}T12:00:00Z`, "UTC", i18n.language) })]
                          .filter(Boolean)
                          .join(" · ")}
                      </Text>
                    </div>
                    <Button onClick={() => onPick(p)}>{t("patients.select", { name: p.full_name })}</Button>
                  </Group>
                </Card>
              ))}
            </Stack>
          )}
        </section>
      )}
    </Stack>
  );
}

function RegisterPatient({ onRegistered, onCancel }: { onRegistered: (patient: Patient, message: string) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const queryClient = useQueryClient();
  const register = useCommand("post", "/v1/auth/register");
  const [problem, setProblem] = useState<unknown>(null);
  const [exists, setExists] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      full_name: "",
      phone: "",
      email: "",
      date_of_birth: "",
      preferred_language: (LANGUAGES as readonly string[]).includes(i18n.language) ? i18n.language : "en",
      sms: true,
      whatsapp: false,
    },
    validate: {
      full_name: (value) => (value.trim() ? null : t("patients.nameRequired")),
      phone: (value) => (E164.test(value.replace(/[\s-]/g, "")) ? null : t("patients.phoneInvalid")),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setProblem(null);
    setExists(null);
    const phone = values.phone.replace(/[\s-]/g, "");
    try {
      const created = await register.mutateAsync({
        body: {
          full_name: values.full_name.trim(),
          phone,
          email: values.email.trim() || null,
          date_of_birth: values.date_of_birth || null,
          preferred_language: values.preferred_language,
          consent: { sms: values.sms, whatsapp: values.whatsapp },
          password: randomPassword(),
        },
      });
      // A number that has an account answers like a new sign-up (nothing is created): only a
      // read of the new id tells them apart, and the existing account is the one to book for.
      try {
        const stored = await queryClient.fetchQuery(
          $api.queryOptions("get", "/v1/users/{user_id}", { params: { path: { user_id: created.id } } }),
        );
        onRegistered(stored, t("patients.created", { name: stored.full_name }));
      } catch (error) {
        if (!isProblem(error) || error.status !== 404) {
          throw error;
        }
        const found = await queryClient.fetchQuery(
          $api.queryOptions("get", "/v1/users", { params: { query: { kind: "patient", q: phone, limit: 5 } } }),
        );
        const match = found.items.find((p) => p.phone === phone) ?? found.items[0];
        if (match) {
          onRegistered(match, t("patients.exists", { name: match.full_name }));
        } else {
          setExists(t("patients.existsUnknown"));
        }
      }
    } catch (error) {
      applyFieldErrors(form, error);
      setProblem(error);
    }
  });

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="register-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={480}>
          <Title order={2} size="h3" id="register-title">
            {t("patients.registerTitle")}
          </Title>
          <TextInput label={t("patients.fullName")} required autoComplete="off" {...form.getInputProps("full_name")} />
          <TextInput
            label={t("patients.phone")}
            styles={readable}
            description={t("patients.phoneHint")}
            required
            type="tel"
            autoComplete="off"
            {...form.getInputProps("phone")}
          />
          <TextInput label={t("patients.email")} type="email" autoComplete="off" {...form.getInputProps("email")} />
          <TextInput label={t("patients.birthDate")} type="date" max={new Date().toISOString().slice(0, 10)} {...form.getInputProps("date_of_birth")} />
          <NativeSelect
            label={t("patients.language")}
            data={LANGUAGES.map((code) => ({ value: code, label: t(`languages.${code}`) }))}
            {...form.getInputProps("preferred_language")}
          />
          <Checkbox label={t("patients.consentSms")} {...form.getInputProps("sms", { type: "checkbox" })} />
          <Checkbox label={t("patients.consentWhatsapp")} {...form.getInputProps("whatsapp", { type: "checkbox" })} />
          {problem ? <ProblemAlert error={problem} /> : null}
          {exists && (
            <Alert color="orange" c="orange.9" variant="light" role="alert">
              {exists}
            </Alert>
          )}
          <Group gap="xs">
            <Button type="submit" loading={register.isPending}>
              {t("patients.create")}
            </Button>
            <Button variant="default" onClick={onCancel}>
              {t("common:actions.cancel")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function BookForPatient({ clinic, patient }: { clinic: Clinic; patient: Patient }) {
  const { t, i18n } = useTranslation(["desk", "common"]);
  const language = i18n.language;
  const zone = clinic.time_zone;
  const names = useClinicNames(clinic.id);
  const types = names.types.filter((type) => type.active);
  const [typeId, setTypeId] = useState<string | null>(null);
  const [providerId, setProviderId] = useState<string>("");
  const [day, setDay] = useState(() => today(zone));
  const [slot, setSlot] = useState<string | null>(null);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const [walkIn, setWalkIn] = useState(false);
  const book = useCommand("post", "/v1/appointments");
  const chosenType = typeId ?? types[0]?.id ?? null;

  const submit = async (options: { walkIn: boolean; startsAt?: string; provider?: string | null }) => {
    if (!chosenType) return;
    setWalkIn(options.walkIn);
    try {
      const appointment = await book.mutateAsync({
        body: {
          clinic_id: clinic.id,
          type_id: chosenType,
          patient_id: patient.id,
          provider_id: (options.provider === undefined ? providerId : options.provider) || null,
          starts_at: options.startsAt ?? null,
          walk_in: options.walkIn,
        },
      });
      setBooked(appointment);
      setSlot(null);
    } catch {
      // shown next to the buttons, with alternatives for a taken time; the choices stay
    }
  };
  const pickAlternative = (alt: Alternative) =>
    void submit({
      walkIn,
      startsAt: alt.starts_at,
      provider: providerId && alt.provider_ids.includes(providerId) ? providerId : null,
    });

  if (booked) {
    const when = `${formatShortDate(booked.starts_at, zone, language)} ${formatTime(booked.starts_at, zone, language)}`;
    return (
      <Stack gap="sm">
        <Alert color="green" c="green.9" variant="light" role="status">
          {t("book.booked", {
            patient: patient.full_name,
            time: when,
            provider: names.providerNames[booked.provider_id] ?? t("day.unknownProvider"),
          })}
        </Alert>
        <Group gap="xs">
          <Button component={Link} to={`/desk?date=${booked.starts_at.slice(0, 10)}`}>
            {t("book.openDay")}
          </Button>
          <Button variant="default" onClick={() => setBooked(null)}>
            {t("book.title")}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      <Title order={3} size="h4">
        {t("book.title")}
      </Title>
      {names.types.length === 0 ? (
        <Loader role="status" size="sm" aria-label={t("common:app.loading")} />
      ) : (
        <Radio.Group label={t("book.type")} value={chosenType} onChange={(value) => { setTypeId(value); setSlot(null); }}>
          <Stack gap={8} mt={6}>
            {types.map((type) => (
              <Radio key={type.id} value={type.id} label={`${type.name} (${t("book.minutes", { count: type.duration_minutes })})`} />
            ))}
          </Stack>
        </Radio.Group>
      )}
      <NativeSelect
        label={t("book.provider")}
        value={providerId}
        onChange={(event) => { setProviderId(event.currentTarget.value); setSlot(null); }}
        data={[{ value: "", label: t("slots.anyProvider") }, ...names.providers.map((p) => ({ value: p.id, label: p.full_name }))]}
        maw={320}
      />
      <Stack gap={4}>
        <Group gap="xs">
          <Button disabled={!chosenType} loading={book.isPending && walkIn} onClick={() => void submit({ walkIn: true })}>
            {t("book.walkIn")}
          </Button>
        </Group>
        <Text size="sm" c="gray.7">
          {t("book.walkInHint")}
        </Text>
      </Stack>
      <TextInput
        type="date"
        label={t("book.day")}
        value={day}
        min={today(zone)}
        onChange={(event) => {
          const next = event.currentTarget.value;
          if (isDay(next)) {
            setDay(next);
            setSlot(null);
          }
        }}
        maw={200}
        styles={readable}
        description={`${formatDate(dayStart(day, zone), zone, language)}${zoneDiffers(zone) ? ` · ${t("common:time.clinicZone", { zone: zoneName(zone, language) })}` : ""}`}
      />
      {chosenType && (
        <SlotPicker
          clinicId={clinic.id}
          typeId={chosenType}
          providerId={providerId || null}
          day={day}
          zone={zone}
          value={slot}
          onChange={setSlot}
          label={t("book.pickSlot")}
        />
      )}
      <ClashAlert error={book.error} zone={zone} providerNames={names.providerNames} busy={book.isPending} onPick={pickAlternative} />
      <Group>
        <Button disabled={!slot} loading={book.isPending && !walkIn} onClick={() => slot && void submit({ walkIn: false, startsAt: slot })}>
          {slot ? t("book.submit", { time: formatTime(slot, zone, language) }) : t("book.pickSlot")}
        </Button>
        <Anchor component={Link} to={`/desk?date=${day}`} size="sm">
          {t("book.openDay")}
        </Anchor>
      </Group>
    </Stack>
  );
}

/**
 * Find people with /v1/users (name, phone or e-mail; staff also by clinic, role and status),
 * a page at a time; each found person can be deactivated, and staff given or stripped of roles.
 */
import { Alert, Badge, Button, Card, Group, Loader, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { $api } from "../../../api/query";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { readable } from "../../desk/readable";
import { type Person, type StaffRole, useAdminScope } from "./access";
import { DeactivateButton } from "./Deactivate";
import { Memberships } from "./Memberships";
import { useRoleLabel } from "./RoleFields";

const PAGE = 20;

export function Directory({ kind, notice: outer }: { kind: "staff" | "patient"; notice?: string | null }) {
  const { t } = useTranslation(["adminPeople", "common"]);
  const scope = useAdminScope();
  const [q, setQ] = useState("");
  const [clinicId, setClinicId] = useState("");
  const [role, setRole] = useState<StaffRole | "">("");
  const [active, setActive] = useState("true");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [notice, setNotice] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(q.trim(), 300);
  // Patients are many: they are searched for, never listed whole.
  const enabled = kind === "staff" || debounced.length >= 2;
  const filter = <T,>(set: (value: T) => void) => (value: T) => { set(value); setCursors([null]); };
  const query = $api.useQuery(
    "get",
    "/v1/users",
    {
      params: {
        query: {
          kind,
          q: debounced || null,
          clinic_id: kind === "staff" ? clinicId || null : null,
          role: kind === "staff" ? role || null : null,
          active: active === "" ? null : active === "true",
          cursor: cursors.at(-1) ?? null,
          limit: PAGE,
        },
      },
    },
    { enabled },
  );
  const items = query.data?.items ?? [];
  const next = query.data?.next_cursor ?? null;
  const message = notice ?? outer ?? null;

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label={t("people.search")}
          description={kind === "staff" ? t("people.searchHintStaff") : t("people.searchHintPatients")}
          styles={readable}
          type="search"
          autoComplete="off"
          value={q}
          onChange={(event) => filter(setQ)(event.currentTarget.value)}
          w={{ base: "100%", sm: 300 }}
        />
        {kind === "staff" && (
          <>
            <NativeSelect
              label={t("people.clinic")}
              value={clinicId}
              onChange={(event) => filter(setClinicId)(event.currentTarget.value)}
              data={[{ value: "", label: scope.org ? t("people.allClinics") : t("people.myClinics") }, ...scope.clinics.map((c) => ({ value: c.id, label: c.name }))]}
              w={{ base: "100%", sm: 220 }}
            />
            <NativeSelect
              label={t("roles.role")}
              value={role}
              onChange={(event) => filter(setRole)(event.currentTarget.value as StaffRole | "")}
              data={[{ value: "", label: t("people.anyRole") }, ...scope.roles.map((r) => ({ value: r, label: t(`roles.names.${r}`) }))]}
              w={{ base: "100%", sm: 200 }}
            />
          </>
        )}
        <NativeSelect
          label={t("people.status")}
          value={active}
          onChange={(event) => filter(setActive)(event.currentTarget.value)}
          data={[
            { value: "true", label: t("people.active") },
            { value: "false", label: t("people.inactive") },
            { value: "", label: t("people.anyStatus") },
          ]}
          w={{ base: "100%", sm: 180 }}
        />
      </Group>
      {message && (
        <Alert color="green" c="green.9" variant="light" role="status">
          {message}
        </Alert>
      )}
      {query.error && <ProblemAlert error={query.error} />}
      {enabled && query.isFetching && !query.data && <Loader size="sm" role="status" aria-label={t("common:app.loading")} />}
      {enabled && query.data && (
        <section aria-label={t("people.results")}>
          {items.length === 0 ? (
            <Text role="status">{t("people.noResults")}</Text>
          ) : (
            <Stack gap={6} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {items.map((person) => (
                <PersonCard key={person.id} person={person} onDone={setNotice} />
              ))}
            </Stack>
          )}
          {(cursors.length > 1 || next) && (
            <Group justify="space-between" mt="sm">
              <Button variant="default" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t("common:actions.previous")}
              </Button>
              <Text size="sm">{t("people.page", { page: cursors.length })}</Text>
              <Button variant="default" disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
                {t("common:actions.next")}
              </Button>
            </Group>
          )}
        </section>
      )}
    </Stack>
  );
}

function PersonCard({ person, onDone }: { person: Person; onDone: (message: string) => void }) {
  const { t } = useTranslation(["adminPeople", "common"]);
  const scope = useAdminScope();
  const [roles, setRoles] = useState(false);
  const roleLabel = useRoleLabel(scope.names);
  const staff = person.kind === "staff";
  return (
    <Card component="li" withBorder padding="sm" aria-label={person.full_name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
          <div>
            <Group gap="xs">
              <Text fw={600}>{person.full_name}</Text>
              <Badge color={person.active ? "teal.9" : "gray.8"} variant="filled">
                {person.active ? t("people.active") : t("people.inactive")}
              </Badge>
            </Group>
            <Text size="sm" c="gray.7">{[person.email, person.phone].filter(Boolean).join(" · ")}</Text>
            {staff && person.memberships.length > 0 && (
              <Text size="sm">{person.memberships.map((m) => roleLabel(m)).join("; ")}</Text>
            )}
          </div>
          <Group gap="xs">
            {staff && (
              <Button variant="default" aria-expanded={roles} onClick={() => setRoles((open) => !open)} aria-label={t("roles.manageNamed", { name: person.full_name })}>
                {t("roles.manage")}
              </Button>
            )}
            {scope.mayDeactivate(person) && <DeactivateButton person={person} onDone={onDone} />}
          </Group>
        </Group>
        {roles && <Memberships person={person} />}
      </Stack>
    </Card>
  );
}

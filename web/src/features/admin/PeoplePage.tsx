/**
 * People: staff accounts (create, find, roles per clinic, deactivate) and patients (find,
 * deactivate). A clinic admin sees and manages their clinics' staff, never organisation roles.
 */
import "./strings";
import { Button, Stack, Tabs } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { Page } from "../../components/Page";
import { Directory } from "./people/Directory";
import { StaffCreate } from "./people/StaffCreate";

export default function PeoplePage() {
  const { t } = useTranslation("adminPeople");
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "patients" ? "patients" : "staff";
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <Page title={t("people.title")}>
      <Tabs value={tab} onChange={(value) => setParams(value === "patients" ? { tab: "patients" } : {})} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="staff">{t("people.staffTab")}</Tabs.Tab>
          <Tabs.Tab value="patients">{t("people.patientsTab")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="staff" pt="md">
          <Stack gap="md">
            {creating ? (
              <StaffCreate
                onCreated={(person) => {
                  setCreating(false);
                  setNotice(t("staff.created", { name: person.full_name }));
                }}
                onCancel={() => setCreating(false)}
              />
            ) : (
              <div>
                <Button onClick={() => { setNotice(null); setCreating(true); }}>{t("staff.new")}</Button>
              </div>
            )}
            <Directory kind="staff" notice={notice} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="patients" pt="md">
          <Directory kind="patient" />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

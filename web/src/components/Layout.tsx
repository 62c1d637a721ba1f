/** The frame of every page: header with language and account, navigation by role, content. */
import { Anchor, AppShell, Burger, Button, Group, NavLink, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { adminNav } from "../features/admin/nav";
import { accountNav } from "../features/account/nav";
import { clinicNav } from "../features/clinic/nav";
import { deskNav } from "../features/desk/nav";
import { patientNav } from "../features/patient/nav";
import { providerNav } from "../features/provider/nav";
import { LanguageSwitch } from "./LanguageSwitch";
import { useSignOut } from "./SignOut";
import { SyncStatus } from "./SyncStatus";

const NAV = [...patientNav, ...accountNav, ...deskNav, ...clinicNav, ...providerNav, ...adminNav];

export function Layout() {
  const { t } = useTranslation();
  const { principal, user } = useAuth();
  const { signOut, confirmation } = useSignOut();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const items = NAV.filter((item) => item.visible(principal));
  // The most specific link is the current one: /provider/shifts is not also "My day" (/provider).
  const current = items
    .filter((item) => location.pathname === item.to || location.pathname.startsWith(`${item.to}/`))
    .reduce<string | null>((best, item) => (best && best.length >= item.to.length ? best : item.to), null);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={items.length ? { width: 220, breakpoint: "sm", collapsed: { mobile: !opened } } : undefined}
      padding="md"
    >
      <a href="#main" className="skip-link">
        {t("app.skip")}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          {/* The name gives way (truncated) to the sync status and language on a phone. */}
          <Group gap="xs" wrap="nowrap" miw={0} style={{ flexShrink: 1 }}>
            {items.length > 0 && (
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("app.menu")} />
            )}
            <Anchor component={Link} to="/" fw={700} c="teal.9" underline="never" truncate="end" maw={{ base: 130, xs: 300 }} miw={0}>
              {t("app.name")}
            </Anchor>
          </Group>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <SyncStatus />
            <LanguageSwitch />
            {principal ? (
              <Button
                // On a phone with a menu, sign-out lives in the menu: the header has no room.
                visibleFrom={items.length ? "sm" : undefined}
                variant="subtle"
                size="xs"
                px={6}
                onClick={signOut}
              >
                {t("auth.signOut")}
                {user && <VisuallyHidden>{user.full_name}</VisuallyHidden>}
              </Button>
            ) : (
              <Button component={Link} to="/sign-in" size="xs" variant="light">
                {t("auth.signIn")}
              </Button>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      {items.length > 0 && (
        <AppShell.Navbar p="xs" aria-label={t("app.navigation")} component="nav">
          {user && (
            <Text size="sm" c="gray.7" px="sm" pb="xs" truncate>
              {user.full_name}
            </Text>
          )}
          {items.map((item) => (
            <Fragment key={item.to}>
              {item.section && (
                <Text size="xs" fw={700} tt="uppercase" c="gray.7" px="sm" pt="md" pb={4}>
                  {t(item.section as never)}
                </Text>
              )}
              <NavLink
              component={Link}
              to={item.to}
              label={t(item.label as never)}
              active={item.to === current}
              variant="filled"
              onClick={close}
              />
            </Fragment>
          ))}
          {principal && (
            <NavLink
              component="button"
              hiddenFrom="sm"
              label={t("auth.signOut")}
              onClick={signOut}
            />
          )}
        </AppShell.Navbar>
      )}
      {confirmation}
      <AppShell.Main id="main">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

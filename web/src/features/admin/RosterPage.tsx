import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function RosterPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.roster")}>{null}</Page>;
}

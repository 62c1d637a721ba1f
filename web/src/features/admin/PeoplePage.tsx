import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function PeoplePage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.people")}>{null}</Page>;
}

import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function AnalyticsPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.analytics")}>{null}</Page>;
}

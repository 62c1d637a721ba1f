import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function CoveragePage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.coverage")}>{null}</Page>;
}

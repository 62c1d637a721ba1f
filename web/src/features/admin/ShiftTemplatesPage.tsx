import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function ShiftTemplatesPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.shiftTemplates")}>{null}</Page>;
}

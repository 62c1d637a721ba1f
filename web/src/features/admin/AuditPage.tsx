import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function AuditPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.audit")}>{null}</Page>;
}

import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function ClinicsPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.clinics")}>{null}</Page>;
}

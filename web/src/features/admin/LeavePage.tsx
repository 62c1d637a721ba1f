import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function LeavePage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.leave")}>{null}</Page>;
}

import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function MessagingPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.messaging")}>{null}</Page>;
}

import { useTranslation } from "react-i18next";

import { Page } from "../../components/Page";

export default function BookingSetupPage() {
  const { t } = useTranslation("admin");
  return <Page title={t("nav.bookingSetup")}>{null}</Page>;
}

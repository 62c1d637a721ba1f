import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import { formatFullDate } from "../../../lib/format";
import MessagingPage from "../MessagingPage";
import { sampleTimes } from "../setup/preview";
import { CLINIC_ID, clinicAdmin, page, signedInAs } from "./setupFixtures";

const ZONE = "Africa/Nairobi";
const BUILT_IN = "{clinic}: {patient}, your {type} is booked for {date} at {time}. Reply STOP to opt out.";

function templates() {
  return http.get("*/v1/clinics/:id/message-templates", () =>
    HttpResponse.json({
      templates: ["en", "sw", "fr"].flatMap((language) =>
        ["confirmation", "reminder"].map((kind) => ({ kind, language, body: BUILT_IN, source: "built_in" })),
      ),
      placeholders: [
        { name: "patient", description: "The patient's name." },
        { name: "date", description: "The visit's local date." },
      ],
    }),
  );
}

const settings = {
  clinic_id: CLINIC_ID,
  provider: null,
  channel: "sms",
  fallback_to_sms: true,
  reminder_offsets: [1440, 120],
  quiet_from: "21:00",
  quiet_until: "07:00",
  updated_at: "2026-01-01T00:00:00Z",
};

describe("messaging", () => {
  beforeEach(() =>
    server.use(
      ...signedInAs(clinicAdmin),
      templates(),
      http.get("*/v1/clinics/:id/notification-settings", () => HttpResponse.json(settings)),
      http.get("*/v1/appointment-types", () => page([{ id: "t1", name: "Dental check-up", active: true }])),
    ),
  );

  it("fills the preview with the sample visit in the clinic's zone and follows the words as they are typed", async () => {
    const saved: unknown[] = [];
    server.use(
      http.put("*/v1/clinics/:id/message-templates/:kind/:language", async ({ request, params }) => {
        saved.push({ ...params, ...((await request.json()) as object) });
        return HttpResponse.json({ kind: params.kind, language: params.language, body: "x", source: "clinic" });
      }),
    );
    renderAt("/admin/messaging", <Route path="/admin/messaging" element={<MessagingPage />} />);
    const preview = await screen.findByTestId("template-preview");
    const date = formatFullDate(sampleTimes(ZONE).startsAt, ZONE, "en");
    expect(preview).toHaveTextContent(
      new RegExp(`^Demo Clinic Nairobi: Amina, your Dental check-up is booked for ${date} at 9:30\\sAM\\. Reply STOP to opt out\\.$`),
    );
    expect(screen.getByText("Built-in wording")).toBeInTheDocument();

    const words = screen.getByRole("textbox", { name: /Words/ });
    fireEvent.change(words, { target: { value: "Habari {patient}! {clinic} expects you on {date} at {time}." } });
    expect(preview).toHaveTextContent(`Habari Amina! Demo Clinic Nairobi expects you on ${date} at 9:30`);
    expect(preview).toHaveTextContent(/Reply STOP to opt out\.$/); // notify adds the opt-out line
    expect(preview.textContent).not.toMatch(/[{}]/);
    await userEvent.type(words, " Karibu sana");
    expect(preview).toHaveTextContent(/at 9:30\sAM\. Karibu sana Reply STOP/);

    await userEvent.click(screen.getByRole("button", { name: "Save wording" }));
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({
      id: CLINIC_ID,
      kind: "confirmation",
      language: "en",
      body: "Habari {patient}! {clinic} expects you on {date} at {time}. Karibu sana",
    });
  });

  it("shows a refused setting next to its field", async () => {
    server.use(
      http.put("*/v1/clinics/:id/notification-settings", () =>
        problem(422, "validation-error", {
          errors: [{ field: "body.reminder_offsets.1", message: "Input should be greater than or equal to 10", code: "greater_than_equal" }],
        }),
      ),
    );
    renderAt("/admin/messaging", <Route path="/admin/messaging" element={<MessagingPage />} />);
    const offsets = await screen.findByRole("textbox", { name: /Reminders/ });
    fireEvent.change(offsets, { target: { value: "1440, 5" } });
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await vi.waitFor(() => expect(offsets).toHaveAccessibleDescription(/greater than or equal to 10/));
    expect(offsets).toHaveAttribute("aria-invalid", "true");
    const section = screen.getByRole("region", { name: "Notification settings" });
    expect(within(section).queryByText("Some fields need attention.")).not.toBeInTheDocument();
  });
});

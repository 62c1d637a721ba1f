import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import BookingSetupPage from "../BookingSetupPage";
import { CLINIC_ID, clinicAdmin, page, signedInAs } from "./setupFixtures";

const room = { id: "r1", clinic_id: CLINIC_ID, name: "Room 1", active: true, created_at: "2026-01-01T00:00:00Z" };

describe("booking setup", () => {
  it("creates an appointment type with its grid, buffers and own notice, and takes a room out of use", async () => {
    const sent: { path: string; body: unknown }[] = [];
    server.use(
      ...signedInAs(clinicAdmin),
      http.get("*/v1/appointment-types", () => page([])),
      http.get("*/v1/rooms", () => page([room])),
      http.post("*/v1/appointment-types", async ({ request }) => {
        sent.push({ path: "types", body: await request.json() });
        return HttpResponse.json({}, { status: 201 });
      }),
      http.patch("*/v1/rooms/:id", async ({ request }) => {
        sent.push({ path: "room", body: await request.json() });
        return HttpResponse.json({ ...room, active: false });
      }),
    );
    renderAt("/admin/booking-setup", <Route path="/admin/booking-setup" element={<BookingSetupPage />} />);
    await screen.findByText("This clinic has no appointment types yet.");

    await userEvent.click(screen.getByRole("button", { name: "New appointment type" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Name/ }), { target: { value: "Dental check-up" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Length/ }), { target: { value: "30" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Buffer after/ }), { target: { value: "10" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Notice needed/ }), { target: { value: "120" } });
    await userEvent.selectOptions(within(dialog).getByRole("combobox", { name: /Start times every/ }), "30");
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Patients can book it online" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.body).toEqual({
      clinic_id: CLINIC_ID,
      name: "Dental check-up",
      duration_minutes: 30,
      buffer_before_minutes: 0,
      buffer_after_minutes: 10,
      step_minutes: 30,
      specialties: [],
      min_notice_minutes: 120,
      max_days_ahead: null,
      online_bookable: false,
      requires_room: false,
    });

    await userEvent.click(screen.getByRole("button", { name: "Take out of use: Room 1" }));
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]!.body).toEqual({ active: false });
  });
});

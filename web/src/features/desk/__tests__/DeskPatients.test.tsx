import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { vi } from "vitest";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import { deskRoutes } from "../routes";
import { at, CLINIC_ID, DAY, deskSession, page, patient, PATIENT_ID, PROVIDER_ID, provider, TYPE_ID } from "./fixtures";

// The screens are lazy: load them once up front so the first test does not wait on the import.
beforeAll(async () => {
  await Promise.all([import("../DeskDay"), import("../DeskPatients")]);
}, 30_000);
vi.setConfig({ testTimeout: 40_000 });
// A loaded machine (several suites at once) can take more than a second to render a screen.
configure({ asyncUtilTimeout: 10_000 });

const users = () =>
  http.get("*/v1/users", ({ request }) => {
    const query = new URL(request.url).searchParams;
    if (query.get("role") === "provider") return page([provider]);
    const q = query.get("q") ?? "";
    return page([patient].filter((p) => p.full_name.includes(q) || p.phone?.includes(q)));
  });

describe("patients at the desk", () => {
  beforeEach(() => server.use(...deskSession(), users()));

  it("finds a patient by phone and books them as a walk-in", async () => {
    let body: Record<string, unknown> = {};
    server.use(
      http.get("*/v1/slots", () => page([])),
      http.post("*/v1/appointments", async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(
          { id: "a1", clinic_id: CLINIC_ID, type_id: TYPE_ID, provider_id: PROVIDER_ID, patient_id: PATIENT_ID, status: "booked", starts_at: at("10:02"), ends_at: at("10:22"), walk_in: true },
          { status: 201 },
        );
      }),
    );
    renderAt("/desk/patients", deskRoutes);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/Phone number or name/), "0000001");
    await user.click(await screen.findByRole("button", { name: "Book for Amina Wanjiku" }));
    expect(await screen.findByRole("heading", { name: "Booking for Amina Wanjiku" })).toBeInTheDocument();
    expect(await screen.findByRole("radio", { name: /General consultation \(20 min\)/ })).toBeChecked();
    await user.click(screen.getByRole("button", { name: "Walk in now" }));
    expect(await screen.findByRole("status")).toHaveTextContent(/Booked: Amina Wanjiku, .*10:02.* with Dr Peter Otieno/);
    expect(body).toMatchObject({ clinic_id: CLINIC_ID, type_id: TYPE_ID, patient_id: PATIENT_ID, walk_in: true, starts_at: null, provider_id: null });
  });

  it("puts a refused registration's field errors next to the fields and keeps what was typed", async () => {
    server.use(
      http.post("*/v1/auth/register", () =>
        problem(422, "validation-error", { errors: [{ field: "body.phone", message: "Not a valid mobile number.", code: "value_error" }] }),
      ),
    );
    renderAt("/desk/patients", deskRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Register a new patient" }));
    await user.type(screen.getByLabelText(/Full name/), "Baraka Mwangi");
    await user.type(screen.getByLabelText(/Mobile phone/), "+254799999999");
    await user.click(screen.getByRole("button", { name: "Register patient" }));
    expect(await screen.findByText("Not a valid mobile number.")).toBeInTheDocument();
    expect(screen.getByLabelText(/Mobile phone/)).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText(/Full name/)).toHaveValue("Baraka Mwangi");
    expect(screen.getByLabelText(/Mobile phone/)).toHaveValue("+254799999999");
  });

  it("registers a new patient with a password nobody typed, then books for them", async () => {
    let sent: Record<string, unknown> = {};
    const created = { ...patient, id: "66666666-6666-4666-8666-666666666666", full_name: "Baraka Mwangi", phone: "+254799999999" };
    server.use(
      http.post("*/v1/auth/register", async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(created, { status: 201 });
      }),
      http.get("*/v1/users/:id", () => HttpResponse.json(created)),
      http.get("*/v1/slots", () => page([])),
    );
    renderAt("/desk/patients", deskRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Register a new patient" }));
    await user.type(screen.getByLabelText(/Full name/), "Baraka Mwangi");
    await user.type(screen.getByLabelText(/Mobile phone/), "+254 799 999999");
    await user.click(screen.getByRole("button", { name: "Register patient" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Baraka Mwangi is registered.");
    expect(screen.getByRole("heading", { name: "Booking for Baraka Mwangi" })).toBeInTheDocument();
    expect(sent).toMatchObject({ full_name: "Baraka Mwangi", phone: "+254799999999", consent: { sms: true, whatsapp: false } });
    expect(String(sent.password).length).toBeGreaterThan(20);
  });

  it("tells when the number already has an account, and books for that one", async () => {
    server.use(
      http.post("*/v1/auth/register", () => HttpResponse.json({ ...patient, id: "77777777-7777-4777-8777-777777777777" }, { status: 201 })),
      http.get("*/v1/slots", () => page([])),
    );
    renderAt("/desk/patients", deskRoutes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Register a new patient" }));
    await user.type(screen.getByLabelText(/Full name/), "Amina W");
    await user.type(screen.getByLabelText(/Mobile phone/), "+254700000001");
    await user.click(screen.getByRole("button", { name: "Register patient" }));
    expect(await screen.findByRole("status")).toHaveTextContent("already has an account: Amina Wanjiku");
    expect(screen.getByRole("heading", { name: "Booking for Amina Wanjiku" })).toBeInTheDocument();
  });

  it("shows a taken time with its alternatives next to the booking, and books the one picked", async () => {
    const bodies: Record<string, unknown>[] = [];
    server.use(
      http.get("*/v1/slots", () => page([{ starts_at: at("15:00"), ends_at: at("15:20"), providers: [{ id: PROVIDER_ID, name: "Dr Peter Otieno" }] }])),
      http.post("*/v1/appointments", async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        if (body.starts_at === at("15:00")) {
          return problem(409, "slot-taken", {
            detail: "The provider is already booked then.",
            clash: { with: "provider", starts_at: at("15:00"), ends_at: at("15:20") },
            alternatives: [
              { starts_at: at("14:30"), ends_at: at("14:50"), provider_ids: [PROVIDER_ID] },
              { starts_at: at("15:30"), ends_at: at("15:50"), provider_ids: [PROVIDER_ID] },
            ],
          });
        }
        return HttpResponse.json(
          { id: "a2", clinic_id: CLINIC_ID, type_id: TYPE_ID, provider_id: PROVIDER_ID, patient_id: PATIENT_ID, status: "booked", starts_at: body.starts_at, ends_at: at("15:50"), walk_in: false },
          { status: 201 },
        );
      }),
    );
    renderAt("/desk/patients", deskRoutes);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/Phone number or name/), "Amina");
    await user.click(await screen.findByRole("button", { name: "Book for Amina Wanjiku" }));
    const day = await screen.findByLabelText("Day");
    await user.clear(day);
    await user.type(day, DAY);
    await user.click(await screen.findByRole("radio", { name: /3:00/ }));
    await user.click(screen.getByRole("button", { name: /^Book 3:00/ }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("That time is taken");
    expect(alert).toHaveTextContent(/provider is busy 3:00.*3:20/);
    await user.click(within(alert).getByRole("button", { name: /Take 3:30/ }));
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toMatchObject({ starts_at: at("15:30"), patient_id: PATIENT_ID, walk_in: false });
    expect(await screen.findByRole("status")).toHaveTextContent(/Booked: Amina Wanjiku/);
  });
});

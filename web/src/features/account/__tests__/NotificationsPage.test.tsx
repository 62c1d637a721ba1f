import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import type { components } from "../../../api/schema";
import { signedIn } from "./fixtures";

type Prefs = components["schemas"]["PreferencesRead"];

function prefsApi(initial: Partial<Prefs> = {}) {
  let prefs: Prefs = {
    preferred_channel: null,
    reminders: true,
    opted_out: false,
    opted_out_at: null,
    phone: "+254*******678",
    language: "en",
    consent: { sms: true, whatsapp: false },
    ...initial,
  };
  const patches: Record<string, unknown>[] = [];
  return {
    patches,
    handlers: [
      http.get("*/v1/me/notification-preferences", () => HttpResponse.json(prefs)),
      http.patch("*/v1/me/notification-preferences", async ({ request }) => {
        const body = (await request.json()) as Partial<Prefs>;
        patches.push(body);
        prefs = {
          ...prefs,
          ...body,
          opted_out_at: body.opted_out ? "2026-12-01T09:00:00Z" : body.opted_out === false ? null : prefs.opted_out_at,
        };
        return HttpResponse.json(prefs);
      }),
    ],
  };
}

// The API client keeps the `fetch` it finds when first imported: import the screens only once
// msw is listening (setup's beforeAll), or their calls would miss the fakes.
let renderAt: typeof import("../../../../test/render").renderAt;
let NotificationsPage: typeof import("../NotificationsPage").NotificationsPage;
beforeAll(async () => {
  ({ renderAt } = await import("../../../../test/render"));
  ({ NotificationsPage } = await import("../NotificationsPage"));
}, 120_000);

vi.setConfig({ testTimeout: 90_000 }); // typing through userEvent is slow on a loaded machine

describe("notification preferences", () => {
  it("saves the channel and reminders, warning about a channel without consent", async () => {
    const api = prefsApi();
    server.use(...signedIn(), ...api.handlers);
    renderAt("/n", <Route path="/n" element={<NotificationsPage />} />);
    const u = userEvent.setup({ delay: null });
    expect(await screen.findByRole("radio", { name: "Whatever the clinic uses" })).toBeChecked();
    await u.click(screen.getByRole("radio", { name: "WhatsApp" }));
    expect(screen.getByText(/not agreed to messages on this channel/i)).toBeInTheDocument();
    await u.click(screen.getByRole("radio", { name: /sms/i }));
    expect(screen.queryByText(/not agreed to messages on this channel/i)).not.toBeInTheDocument();
    await u.click(screen.getByRole("switch", { name: /reminders before my appointments/i }));
    await u.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/message settings are saved/i);
    expect(api.patches[0]).toEqual({ preferred_channel: "sms", reminders: false });
  });

  it("opts out of everything and back in", async () => {
    const api = prefsApi();
    server.use(...signedIn(), ...api.handlers);
    renderAt("/n", <Route path="/n" element={<NotificationsPage />} />);
    const u = userEvent.setup({ delay: null });
    expect(await screen.findByText("Messages on")).toBeInTheDocument();
    await u.click(screen.getByRole("button", { name: "Stop all messages" }));
    expect(await screen.findByText("Messages stopped")).toBeInTheDocument();
    expect(screen.getByText(/you stopped all messages on/i)).toBeInTheDocument();
    await u.click(screen.getByRole("button", { name: "Receive messages again" }));
    expect(await screen.findByText("Messages on")).toBeInTheDocument();
    expect(api.patches).toEqual([{ opted_out: true }, { opted_out: false }]);
  });

  it("shows a refused save next to the choices", async () => {
    const api = prefsApi();
    server.use(
      ...signedIn(),
      api.handlers[0]!,
      http.patch("*/v1/me/notification-preferences", () => problem(503, "unavailable", { detail: "The database is busy." })),
    );
    renderAt("/n", <Route path="/n" element={<NotificationsPage />} />);
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/database is busy/i);
  });
});

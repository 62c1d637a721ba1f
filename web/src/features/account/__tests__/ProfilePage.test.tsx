import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import i18n from "../../../i18n";
import { me, policyHandler, signedIn } from "./fixtures";

afterEach(async () => {
  await i18n.changeLanguage("en");
});

// The API client keeps the `fetch` it finds when first imported: import the screens only once
// msw is listening (setup's beforeAll), or their calls would miss the fakes.
let renderAt: typeof import("../../../../test/render").renderAt;
let ProfilePage: typeof import("../ProfilePage").ProfilePage;
beforeAll(async () => {
  ({ renderAt } = await import("../../../../test/render"));
  ({ ProfilePage } = await import("../ProfilePage"));
}, 120_000);

vi.setConfig({ testTimeout: 90_000 }); // typing through userEvent is slow on a loaded machine

describe("profile", () => {
  it("saves the details and switches the screen to the language chosen", async () => {
    let sent: Record<string, unknown> | null = null;
    let user = me();
    server.use(
      policyHandler,
      ...signedIn(),
      http.get("*/v1/me", () => HttpResponse.json(user)),
      http.patch("*/v1/me", async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        user = me({ ...sent, preferred_language: "sw" } as never);
        return HttpResponse.json(user);
      }),
    );
    renderAt("/account", <Route path="/account" element={<ProfilePage />} />);
    const u = userEvent.setup({ delay: null });
    const name = await screen.findByLabelText(/full name/i);
    expect(name).toHaveValue("Amina Odhiambo");
    expect(screen.getByLabelText(/^day/i)).toHaveValue("7");
    await u.click(screen.getByRole("radio", { name: "Kiswahili" }));
    await u.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Wasifu wako" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("sw");
    // Done once the account is read again and the notice is up; waited for, so that read does not
    // outlive the test. (The notice is still worded in the language the form was sent in.)
    expect(await screen.findByRole("alert")).toHaveTextContent(/^Wasifu wako umehifadhiwa\.$/);
    expect(sent).toMatchObject({ full_name: "Amina Odhiambo", phone: "+254712345678", date_of_birth: "1990-03-07", preferred_language: "sw" });
  });

  it("shows a taken phone number next to the form, keeping the edit", async () => {
    server.use(
      policyHandler,
      ...signedIn(),
      http.patch("*/v1/me", () => problem(409, "contact-taken", { detail: "Another account uses this phone number." })),
    );
    renderAt("/account", <Route path="/account" element={<ProfilePage />} />);
    const u = userEvent.setup({ delay: null });
    const phone = await screen.findByLabelText(/mobile phone number/i);
    await u.clear(phone);
    await u.type(phone, "+254711111111");
    await u.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByText(/another account uses this phone number/i)).closest("[role=alert]")).not.toBeNull();
    expect(phone).toHaveValue("+254711111111");
  });

  it("puts a wrong current password next to its field", async () => {
    server.use(
      policyHandler,
      ...signedIn(),
      http.post("*/v1/me/password", () => problem(403, "wrong-password", { detail: "The current password is wrong." })),
    );
    renderAt("/account", <Route path="/account" element={<ProfilePage />} />);
    const u = userEvent.setup({ delay: null });
    const current = await screen.findByLabelText(/^current password/i);
    await u.type(current, "not my password");
    await u.type(screen.getByLabelText(/^new password/i), "mango river lamp sunrise");
    await u.click(screen.getByRole("button", { name: "Change password" }));
    await waitFor(() => expect(current).toHaveAccessibleDescription(/not your current password/i));
    expect(screen.getByLabelText(/^new password/i)).toHaveValue("mango river lamp sunrise");
  });

  it("changes the password and signs straight back in with it", async () => {
    let signedInWith: unknown = null;
    server.use(
      policyHandler,
      ...signedIn(),
      http.post("*/v1/me/password", () => new HttpResponse(null, { status: 204 })),
      http.post("*/v1/auth/session", async ({ request }) => {
        signedInWith = await request.json();
        return HttpResponse.json({ access_token: "t2", token_type: "bearer", expires_in: 900 });
      }),
    );
    renderAt("/account", <Route path="/account" element={<ProfilePage />} />);
    const u = userEvent.setup({ delay: null });
    await u.type(await screen.findByLabelText(/^current password/i), "old password here");
    await u.type(screen.getByLabelText(/^new password/i), "mango river lamp sunrise");
    await u.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("status")).toHaveTextContent(/password is changed/i);
    expect(signedInWith).toEqual({ username: "+254712345678", password: "mango river lamp sunrise" });
    expect(screen.getByLabelText(/^new password/i)).toHaveValue("");
  });
});

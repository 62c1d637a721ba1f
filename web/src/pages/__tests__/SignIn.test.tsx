import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../test/server";
import { renderAt } from "../../../test/render";
import { SignIn } from "../SignIn";

describe("sign-in", () => {
  it("shows a refused sign-in as a message, keeping what was typed", async () => {
    server.use(http.post("*/v1/auth/session", () => problem(401, "invalid-credentials")));
    renderAt("/sign-in", <Route path="/sign-in" element={<SignIn />} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/phone number or e-mail/i), "+254700000001");
    await user.type(screen.getByLabelText(/^password/i), "wrong-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/do not match/i);
    expect(screen.getByLabelText(/phone number or e-mail/i)).toHaveValue("+254700000001");
  });

  it("sends the CSRF header and lands signed in", async () => {
    let csrf: string | null = null;
    server.use(
      http.post("*/v1/auth/session", ({ request }) => {
        csrf = request.headers.get("X-Requested-With");
        return HttpResponse.json({ access_token: "t", token_type: "bearer", expires_in: 900 });
      }),
      http.get("*/v1/me", () =>
        HttpResponse.json({
          id: "u1", kind: "patient", full_name: "Amina", phone: "+254700000001", email: null,
          date_of_birth: null, preferred_language: "en", consent: { sms: true, whatsapp: false },
          active: true, deactivated_at: null, created_at: "2026-01-01T00:00:00Z",
          updated_at: "2026-01-01T00:00:00Z", memberships: [],
        }),
      ),
    );
    renderAt(
      "/sign-in",
      <>
        <Route path="/sign-in" element={<SignIn />} />
        <Route path="/" element={<p>home page</p>} />
      </>,
    );
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/phone number or e-mail/i), "+254700000001");
    await user.type(screen.getByLabelText(/^password/i), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByText("home page")).toBeInTheDocument());
    expect(csrf).toBe("clinic-web");
  });
});

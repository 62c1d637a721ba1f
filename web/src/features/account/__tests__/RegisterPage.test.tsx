import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { me, policyHandler } from "./fixtures";

async function fillIn(password = "mango river lamp sunrise") {
  const user = userEvent.setup({ delay: null });
  await user.type(await screen.findByLabelText(/full name/i), "Amina Odhiambo");
  await user.type(screen.getByLabelText(/mobile phone number/i), "+254 712 345 678");
  await user.type(screen.getByLabelText(/^day/i), "7");
  await user.selectOptions(screen.getByLabelText(/^month/i), "3");
  await user.type(screen.getByLabelText(/^year/i), "1990");
  await user.click(screen.getByLabelText(/text messages \(sms\)/i));
  await user.type(screen.getByLabelText(/^password/i), password);
  return user;
}

// The API client keeps the `fetch` it finds when first imported: import the screens only once
// msw is listening (setup's beforeAll), or their calls would miss the fakes.
let renderAt: typeof import("../../../../test/render").renderAt;
let RegisterPage: typeof import("../RegisterPage").RegisterPage;
beforeAll(async () => {
  ({ renderAt } = await import("../../../../test/render"));
  ({ RegisterPage } = await import("../RegisterPage"));
}, 120_000);

vi.setConfig({ testTimeout: 90_000 }); // typing through userEvent is slow on a loaded machine

describe("registration", () => {
  it("shows the password rules up front", async () => {
    server.use(policyHandler);
    renderAt("/register", <Route path="/register" element={<RegisterPage />} />);
    expect(await screen.findByText(/be 12 to 128 characters long/i)).toBeInTheDocument();
    expect(screen.getByText(/not contain your name, phone number/i)).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "English" })).toBeChecked();
  });

  it("puts a refused password's reason next to the field and keeps what was typed", async () => {
    server.use(
      policyHandler,
      http.post("*/v1/auth/register", () =>
        problem(422, "weak-password", {
          detail: "Choose another password.",
          errors: [{ field: "body.password", message: "It contains your name.", code: "personal_data" }],
        }),
      ),
    );
    renderAt("/register", <Route path="/register" element={<RegisterPage />} />);
    const user = await fillIn("amina odhiambo 1990");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    const field = screen.getByLabelText(/^password/i);
    await waitFor(() => expect(field).toHaveAccessibleDescription(/contains your name, phone number/i));
    expect(field).toHaveValue("amina odhiambo 1990");
    expect(screen.getByLabelText(/full name/i)).toHaveValue("Amina Odhiambo");
  });

  it("sends the normalised number, signs in and goes on to book", async () => {
    let sent: Record<string, unknown> | null = null;
    let signedIn = false;
    server.use(
      policyHandler,
      http.post("*/v1/auth/register", async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(me(), { status: 201 });
      }),
      http.post("*/v1/auth/session", () => {
        signedIn = true;
        return HttpResponse.json({ access_token: "t", token_type: "bearer", expires_in: 900 });
      }),
      http.get("*/v1/me", () => (signedIn ? HttpResponse.json(me()) : problem(401, "unauthorized"))),
    );
    renderAt(
      "/register",
      <>
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/book" element={<p>booking page</p>} />
      </>,
    );
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("booking page")).toBeInTheDocument();
    expect(sent).toMatchObject({
      full_name: "Amina Odhiambo",
      phone: "+254712345678",
      email: null,
      date_of_birth: "1990-03-07",
      preferred_language: "en",
      consent: { sms: true, whatsapp: false },
    });
  });

  it("explains a number that already has an account, keeping the form", async () => {
    server.use(
      policyHandler,
      http.post("*/v1/auth/register", () => HttpResponse.json(me(), { status: 201 })),
      http.post("*/v1/auth/session", () => problem(401, "invalid-credentials")),
    );
    renderAt("/register", <Route path="/register" element={<RegisterPage />} />);
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create account" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(/already have an account with this number/i);
    expect(screen.getAllByRole("link", { name: "Sign in" })[0]).toHaveAttribute("href", "/sign-in");
    expect(screen.getByLabelText(/mobile phone number/i)).toHaveValue("+254712345678");
  });

  it("checks the phone number before sending", async () => {
    server.use(policyHandler);
    renderAt("/register", <Route path="/register" element={<RegisterPage />} />);
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText(/mobile phone number/i), "0712 345678");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText(/with the country code, starting with \+ \(e\.g/i)).toBeInTheDocument();
  });
});

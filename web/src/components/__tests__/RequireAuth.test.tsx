/**
 * A guarded screen does not wait in line behind the session: its code is asked for while the
 * session is restored, and its first reads as soon as the access token's roles let the person in,
 * before /v1/me has answered and before the screen's code has arrived.
 */
import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { type ComponentType, Suspense } from "react";
import { Route } from "react-router";

import { isDesk, isPatient } from "../../auth/roles";
import { renderAt } from "../../../test/render";
import { server } from "../../../test/server";
import { accessToken, PATIENT_ROLES, type TokenRole } from "../../../test/token";
import { lazyScreen } from "../lazyScreen";
import { RequireAuth } from "../RequireAuth";

const patient = {
  id: "u1", kind: "patient", full_name: "Amina Wanjiru", phone: "+254700000001", email: null,
  date_of_birth: null, preferred_language: "en", consent: { sms: true, whatsapp: false },
  active: true, deactivated_at: null, created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z", memberships: [],
};

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A lazy screen whose code arrives when the test says, counting how often it is asked for. */
function slowScreen(prefetch?: () => void, onAsk?: () => void) {
  const code = deferred<{ default: ComponentType }>();
  let asked = 0;
  const Screen = lazyScreen(
    () => {
      asked += 1;
      onAsk?.();
      return code.promise;
    },
    prefetch ? { prefetch } : {},
  );
  return { Screen, code, asked: () => asked };
}

function guarded(Screen: ComponentType, allow = isPatient) {
  return (
    <>
      <Route
        path="/screen"
        element={
          <RequireAuth allow={allow}>
            <Suspense fallback={<p>code on its way</p>}>
              <Screen />
            </Suspense>
          </RequireAuth>
        }
      />
      <Route path="/" element={<p>start page</p>} />
      <Route path="/sign-in" element={<p>sign-in page</p>} />
    </>
  );
}

function session(roles: TokenRole[]) {
  return HttpResponse.json({ access_token: accessToken("u1", roles), token_type: "bearer", expires_in: 900 });
}

describe("a guarded screen on a reload", () => {
  it("asks for its code while the session is still being restored, once, just after the refresh", async () => {
    // What went out in which order: the refresh heads the chain to the screen's data, so it must
    // not queue behind the code for one of HTTP/1.1's six connections.
    const order: string[] = [];
    const fetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      order.push(new URL(input instanceof Request ? input.url : String(input), "http://app").pathname);
      return fetch(input, init);
    });
    onTestFinished(() => spy.mockRestore());
    const refresh = deferred();
    let refreshed = false;
    server.use(
      http.post("*/v1/auth/session/refresh", async () => {
        await refresh.promise;
        refreshed = true;
        return session(PATIENT_ROLES);
      }),
      http.get("*/v1/me", () => HttpResponse.json(patient)),
    );
    onTestFinished(() => refresh.resolve());
    const { Screen, code, asked } = slowScreen(undefined, () => order.push("code"));
    renderAt("/screen", guarded(Screen));

    expect(await screen.findByRole("status", { name: "Loading" })).toBeInTheDocument();
    // Not after the session: the code was asked for while the refresh is still unanswered.
    await waitFor(() => expect(asked()).toBe(1), { timeout: 2000 });
    expect(refreshed).toBe(false);
    expect(order).toEqual(["/v1/auth/session/refresh", "code"]);

    refresh.resolve();
    expect(await screen.findByText("code on its way")).toBeInTheDocument();
    code.resolve({ default: () => <p>the screen</p> });
    expect(await screen.findByText("the screen")).toBeInTheDocument();
    expect(asked()).toBe(1);
  });

  it("lets the token's roles in and starts the screen's reads before /v1/me and the code arrive", async () => {
    const me = deferred();
    let meAnswered = false;
    server.use(
      http.post("*/v1/auth/session/refresh", () => session(PATIENT_ROLES)),
      http.get("*/v1/me", async () => {
        await me.promise;
        meAnswered = true;
        return HttpResponse.json(patient);
      }),
    );
    onTestFinished(() => me.resolve());
    const prefetch = vi.fn();
    const { Screen, code } = slowScreen(prefetch);
    renderAt("/screen", guarded(Screen));

    expect(await screen.findByText("code on its way")).toBeInTheDocument();
    await waitFor(() => expect(prefetch).toHaveBeenCalled(), { timeout: 2000 });
    expect(meAnswered).toBe(false);

    code.resolve({ default: () => <p>the screen</p> });
    expect(await screen.findByText("the screen")).toBeInTheDocument();
    me.resolve();
    await waitFor(() => expect(meAnswered).toBe(true));
    expect(screen.getByText("the screen")).toBeInTheDocument();
  });

  it("sends a token without the screen's role to the start page, reading nothing", async () => {
    server.use(
      http.post("*/v1/auth/session/refresh", () => session(PATIENT_ROLES)),
      http.get("*/v1/me", () => HttpResponse.json(patient)),
    );
    const prefetch = vi.fn();
    const { Screen } = slowScreen(prefetch);
    renderAt("/screen", guarded(Screen, isDesk));

    expect(await screen.findByText("start page")).toBeInTheDocument();
    expect(prefetch).not.toHaveBeenCalled();
  });

  it("sends someone without a session to sign in", async () => {
    const { Screen } = slowScreen();
    renderAt("/screen", guarded(Screen));
    expect(await screen.findByText("sign-in page")).toBeInTheDocument();
  });
});

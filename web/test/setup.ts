/**
 * Runs before every test file. The files of a worker share their modules (`isolate: false` in
 * vite.config.ts: Mantine, React and jsdom load once per worker, not once per file), so whatever
 * a test can leave behind in a module is put back here after each test, and settings are made
 * here, per file, not at the top of a shared helper (a helper module runs once per worker).
 */
import "@testing-library/jest-dom/vitest";
import "fake-indexeddb/auto"; // offline mode's store (src/offline) on IndexedDB

import { notifications } from "@mantine/notifications";
import { act, cleanup, configure } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";

import { currentToken, refreshSession } from "../src/auth/session";
import { forgetProviders } from "../src/components/booking/providerNames";
import i18n from "../src/i18n";
import { server } from "./server";

// The whole suite runs files side by side on a small machine: give answers time to arrive. A
// file may set its own after this.
configure({ asyncUtilTimeout: 15_000 });
// Testing Library turns React's act() environment on from hooks it registers when first
// imported, so for the first file of a worker only (and off again after it): on for every file.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// Mantine reads these browser APIs, which jsdom lacks.
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  }),
});
window.HTMLElement.prototype.scrollIntoView = () => {};
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(async () => {
  act(() => notifications.clean()); // notices live in a module-wide store
  cleanup();
  server.resetHandlers();
  localStorage.clear();
  forgetProviders();
  if (i18n.language !== "en") {
    await i18n.changeLanguage("en");
  }
  if (currentToken()) {
    await refreshSession(); // the default answer (401) ends the session a test signed in with
  }
});
afterAll(() => server.close());

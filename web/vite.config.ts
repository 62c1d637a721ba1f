import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";
import { defineConfig } from "vitest/config";

// The gateway serves web/dist on the same origin as the API, so the dev server proxies the API
// to a running clinic-stack instead of needing CORS.
const gateway = process.env.CLINIC_GATEWAY ?? "http://127.0.0.1:8000";

// What the service worker must never answer from its cache: the API and the services' own pages
// (the same paths the gateway keeps out of the app, servicekit/security_headers.py and docs.py).
const NOT_THE_APP = [/^\/v1(\/|$)/, /^\/\.well-known\//, /^\/docs(\/|$)/, /^\/(openapi\.json|healthz|readyz|metrics)$/];

export default defineConfig({
  plugins: [
    react(),
    // The app shell (index.html, scripts, styles) is kept on the device by a service worker, so
    // the app opens with no network, after a reload or a browser restart; a new build replaces
    // it on the next visit. API answers are not cached here: offline data is the app's own store.
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: false, // main.tsx registers it (no inline script: the CSP forbids them)
      manifest: {
        name: "Clinic booking",
        short_name: "Clinic",
        description: "Book, move and cancel clinic appointments; run the front desk's day.",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0b7285",
        icons: [{ src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,webmanifest}"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: NOT_THE_APP,
        cleanupOutdatedCaches: true,
        // A new version takes over at once, open pages included (the first visit too).
        skipWaiting: true,
        clientsClaim: true,
      },
    }),
  ],
  build: {
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { "/v1": gateway, "/.well-known": gateway },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./test/setup.ts"],
    css: false,
    // A worker runs its files one after another in one module graph and one jsdom: Mantine, React
    // and the screens load once per worker instead of once per file (most of a file's cost).
    // test/setup.ts puts back after each test what a test can change in a shared module.
    isolate: false,
    // Screens' tests mostly wait (answers, polls, a hold running out): a worker per core, not
    // Vitest's default of one fewer, which on a 2-core runner means files one at a time.
    maxWorkers: "100%",
    // A loaded machine renders slowly; a file may ask for more.
    testTimeout: 30_000,
  },
});

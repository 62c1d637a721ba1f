import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The gateway serves web/dist on the same origin as the API, so the dev server proxies the API
// to a running clinic-stack instead of needing CORS.
const gateway = process.env.CLINIC_GATEWAY ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
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

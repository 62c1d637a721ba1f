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
  },
});

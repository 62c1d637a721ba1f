import "@mantine/core/styles.css";
import "@mantine/dates/styles.css";
import "@mantine/notifications/styles.css";
import "./app.css";
import "./i18n";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { registerSW } from "virtual:pwa-register";

import { createQueryClient } from "./api/query";
import { App } from "./App";
import { Providers } from "./Providers";

// The app shell then opens with no network (vite.config.ts); a new build takes over on its own.
registerSW({ immediate: true });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <Providers client={createQueryClient()}>
        <App />
      </Providers>
    </BrowserRouter>
  </StrictMode>,
);

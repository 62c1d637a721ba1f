/** Render a screen inside the app's providers, at a route. */
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Routes } from "react-router";

import { createQueryClient } from "../src/api/query";
import { Providers } from "../src/Providers";

export function renderAt(path: string, routes: ReactElement) {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 } });
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Providers client={client}>
        <Routes>{routes}</Routes>
      </Providers>
    </MemoryRouter>,
  );
}

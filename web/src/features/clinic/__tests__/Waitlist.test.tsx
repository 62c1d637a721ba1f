import { notifications } from "@mantine/notifications";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { Route } from "react-router";

import { problem, server } from "../../../../test/server";
import { renderAt } from "../../../../test/render";
import type { components } from "../../../api/schema";
import Waitlist from "../Waitlist";
import { CLINIC_ID, page, PATIENT_ID, PROVIDER_ID, provider, receptionist, signedInAs, staff, TYPE_ID } from "./session";

type Entry = components["schemas"]["WaitlistRead"];
const OTHER_PATIENT = "66666666-6666-4666-8666-666666666666";
const HOLD_ID = "77777777-7777-4777-8777-777777777777";

function entry(overrides: Partial<Entry>): Entry {
  return {
    id: crypto.randomUUID(),
    clinic_id: CLINIC_ID,
    type_id: TYPE_ID,
    provider_id: null,
    patient_id: PATIENT_ID,
    earliest: "2026-12-14T05:00:00Z",
    latest: "2026-12-18T14:00:00Z",
    status: "waiting",
    hold_id: null,
    offers_made: 0,
    note: null,
    created_at: "2026-12-01T07:00:00Z",
    updated_at: "2026-12-01T07:00:00Z",
    ...overrides,
  };
}

const amina = { ...staff(PATIENT_ID, "provider", "Amina Wanjiku"), kind: "patient" as const, memberships: [] };
const baraka = { ...staff(OTHER_PATIENT, "provider", "Baraka Mwangi"), kind: "patient" as const, memberships: [] };

function answers(waiting: Entry[], offered: Entry[]) {
  return [
    ...signedInAs(receptionist, [amina, baraka, provider]),
    http.get("*/v1/appointment-types", () => page([{ id: TYPE_ID, name: "Antenatal check" }])),
    http.get("*/v1/waitlist", ({ request }) => {
      const status = new URL(request.url).searchParams.get("status");
      return page([...waiting, ...offered].filter((e) => e.status === status));
    }),
    http.get("*/v1/slot-holds/:id", () =>
      HttpResponse.json({
        id: HOLD_ID, clinic_id: CLINIC_ID, type_id: TYPE_ID, provider_id: PROVIDER_ID, patient_id: OTHER_PATIENT,
        status: "pending", starts_at: "2026-12-15T07:00:00Z", ends_at: "2026-12-15T07:20:00Z",
        time_zone: "Africa/Nairobi", hold_expires_at: "2026-12-07T09:30:00Z",
      }),
    ),
  ];
}

describe("clinic waitlist", () => {
  afterEach(() => act(() => notifications.clean()));

  it("lists who waits for what, first in line first, with the current offer and its expiry", async () => {
    const waiting = entry({ note: "Mornings only", created_at: "2026-12-02T07:00:00Z" });
    const offered = entry({
      patient_id: OTHER_PATIENT,
      provider_id: PROVIDER_ID,
      status: "offered",
      hold_id: HOLD_ID,
      offers_made: 1,
      created_at: "2026-12-01T07:00:00Z",
    });
    server.use(...answers([waiting], [offered]));
    renderAt("/clinic/waitlist", <Route path="/clinic/waitlist" element={<Waitlist />} />);
    const rows = await screen.findAllByTestId("waitlist-entry");
    expect(rows).toHaveLength(2);
    expect(await within(rows[0]!).findByText("Baraka Mwangi")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Offered")).toBeInTheDocument();
    expect(await within(rows[0]!).findByText(/Dec 15, 2026, 10:00 AM with Dr Wanjiru Kamau/)).toBeInTheDocument();
    // The hold lapses at 09:30 UTC, 12:30 in Nairobi.
    expect(await within(rows[0]!).findByText(/Answer by 12:30/)).toBeInTheDocument();
    expect(within(rows[0]!).getByText("1 offer made so far")).toBeInTheDocument();
    expect(await within(rows[1]!).findByText("Amina Wanjiku")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Waiting")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Antenatal check")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("any provider")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Mornings only")).toBeInTheDocument();
    expect(within(rows[1]!).getByText(/Mon, Dec 14.*8:00.*to.*Fri, Dec 18.*5:00/)).toBeInTheDocument();
  });

  it("removes an entry after asking, and shows a refusal in the dialog", async () => {
    const waiting = entry({});
    let calls = 0;
    server.use(
      ...answers([waiting], []),
      http.post("*/v1/waitlist/:id/cancel", ({ params }) => {
        calls += 1;
        expect(params.id).toBe(waiting.id);
        if (calls === 1) {
          return problem(409, "invalid-transition", { detail: "The entry is booked." });
        }
        waiting.status = "cancelled";
        return HttpResponse.json(waiting);
      }),
    );
    renderAt("/clinic/waitlist", <Route path="/clinic/waitlist" element={<Waitlist />} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Remove Amina Wanjiku from the waitlist" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/no longer be offered free times for Antenatal check/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Remove from the waitlist" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("The entry is booked.");
    await user.click(within(dialog).getByRole("button", { name: "Remove from the waitlist" }));
    await waitFor(() => expect(screen.queryByTestId("waitlist-entry")).not.toBeInTheDocument());
    expect(screen.getByText("Nobody is on this list.")).toBeInTheDocument();
  });
});

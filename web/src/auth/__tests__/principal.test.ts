import { accessToken, PATIENT_ROLES } from "../../../test/token";
import { principalOf } from "../principal";
import { clinicIds, homePath, isDesk, isPatient, isProvider } from "../roles";

const CLINIC = "11111111-1111-4111-8111-111111111111";

describe("the principal an access token names", () => {
  it("reads a patient: kind patient, no staff roles", () => {
    const who = principalOf(accessToken("u1", PATIENT_ROLES));
    expect(who).toEqual({ id: "u1", kind: "patient", memberships: [] });
    expect(isPatient(who)).toBe(true);
    expect(isDesk(who)).toBe(false);
    expect(homePath(who)).toBe("/appointments");
  });

  it("reads staff roles per clinic, as /v1/me would report them", () => {
    const who = principalOf(
      accessToken("s1", [
        { role: "provider", clinic_id: CLINIC },
        { role: "receptionist", clinic_id: CLINIC },
      ]),
    );
    expect(who?.kind).toBe("staff");
    expect(isProvider(who)).toBe(true);
    expect(isDesk(who)).toBe(true);
    expect(clinicIds(who, "provider")).toEqual([CLINIC]);
    expect(homePath(who)).toBe("/desk");
  });

  it("is null for what does not read as one (then the profile from /v1/me decides)", () => {
    expect(principalOf("t")).toBeNull();
    expect(principalOf("a.b.c")).toBeNull();
    expect(principalOf(`x.${btoa(JSON.stringify({ sub: "u1" }))}.y`)).toBeNull();
    expect(principalOf(`x.${btoa(JSON.stringify({ sub: "u1", roles: [{ role: 3 }] }))}.y`)).toBeNull();
  });
});

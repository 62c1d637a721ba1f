/** Access tokens shaped as identity issues them (header.claims.signature), for the web's tests. */
function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export type TokenRole = { role: string; clinic_id: string | null };

/** A token for `sub` with `roles`; the signature is not one (the web never checks it). */
export function accessToken(sub: string, roles: TokenRole[]): string {
  const now = Math.floor(Date.now() / 1000);
  return [
    base64url({ alg: "EdDSA", typ: "JWT", kid: "test" }),
    base64url({ iss: "identity", aud: "clinic", sub, iat: now, nbf: now, exp: now + 900, jti: "j", sid: "s", roles }),
    "c2lnbmF0dXJl",
  ].join(".");
}

export const PATIENT_ROLES: TokenRole[] = [{ role: "patient", clinic_id: null }];

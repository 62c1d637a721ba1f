/**
 * Who a session is for, as its access token says: the person and their roles, enough to decide
 * which screens they may open. Their profile (name, language) comes from /v1/me, which need not
 * be waited for before a screen starts: the token arrives with the session itself.
 *
 * The token is read, not verified: every call is still judged by the services, which verify it.
 */

export interface Principal {
  id: string;
  kind: "patient" | "staff";
  /** Staff roles, per clinic (null: organisation-wide); a patient has none. */
  memberships: { role: string; clinic_id: string | null }[];
}

interface Claims {
  sub?: unknown;
  roles?: unknown;
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/**
 * The principal in an identity access token (`sub`, and `roles` as `{role, clinic_id}`, where a
 * patient account's one role is "patient"), or null when the token does not read as one.
 */
export function principalOf(token: string): Principal | null {
  const payload = token.split(".")[1];
  if (!payload) {
    return null;
  }
  let claims: Claims;
  try {
    claims = decodeSegment(payload) as Claims;
  } catch {
    return null;
  }
  if (typeof claims?.sub !== "string" || !Array.isArray(claims.roles)) {
    return null;
  }
  const roles: Principal["memberships"] = [];
  for (const entry of claims.roles as unknown[]) {
    const { role, clinic_id } = (entry ?? {}) as { role?: unknown; clinic_id?: unknown };
    if (typeof role !== "string" || (clinic_id != null && typeof clinic_id !== "string")) {
      return null;
    }
    roles.push({ role, clinic_id: clinic_id ?? null });
  }
  const patient = roles.some((m) => m.role === "patient");
  return {
    id: claims.sub,
    kind: patient ? "patient" : "staff",
    memberships: roles.filter((m) => m.role !== "patient"),
  };
}

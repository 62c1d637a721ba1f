/** The clinic a provider screen is about (chosen in the URL when the provider works at several). */
import { useSearchParams } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { useStaffClinics } from "../clinic/useStaffClinics";

export function useProviderClinic() {
  const { principal } = useAuth();
  const { clinics, byId, query } = useStaffClinics("provider");
  const [params, setParams] = useSearchParams();
  const wanted = params.get("clinic");
  const clinic = (wanted ? byId.get(wanted) : undefined) ?? clinics[0] ?? null;
  const choose = (id: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set("clinic", id);
        return next;
      },
      { replace: true },
    );
  return { me: principal, clinic, clinics, choose, query, params, setParams };
}

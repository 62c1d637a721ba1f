/** The patient screens, mounted under the app's layout. */
export const patientRoutes = <></>;

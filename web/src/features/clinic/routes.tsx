/** The clinic screens, mounted under the app's layout. */
export const clinicRoutes = <></>;

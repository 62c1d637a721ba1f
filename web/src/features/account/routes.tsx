/** The account screens, mounted under the app's layout. */
export const accountRoutes = <></>;

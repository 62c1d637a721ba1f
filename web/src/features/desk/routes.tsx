/** The desk screens, mounted under the app's layout. */
export const deskRoutes = <></>;

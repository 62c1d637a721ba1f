/** The provider screens, mounted under the app's layout. */
export const providerRoutes = <></>;

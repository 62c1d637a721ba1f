/**
 * Screens whose code loads on first use, and which can be started earlier than that.
 *
 * A screen behind RequireAuth would otherwise ask for its code only once the session is back
 * (on 3G a refresh round trip of 2 s or more, then the code's own). RequireAuth starts the code
 * of the screen it guards while the session is still being restored, and once the person is let
 * in, the screen's first reads (`prefetch`), so that they do not wait for the code either.
 */
import type { QueryClient } from "@tanstack/react-query";
import { Children, type ComponentType, isValidElement, lazy, type LazyExoticComponent, type ReactNode } from "react";

/** What can be started of a lazy screen before it renders. */
export interface ScreenStarts {
  /** Ask for the screen's code (once; a failure is left for the render to show). */
  preload: () => void;
  /** Start the screen's first reads, into the cache its queries read from. */
  prefetch: (client: QueryClient) => void;
}

const screens = new WeakMap<object, ScreenStarts>();

/** React's `lazy`, with the screen's code and first reads startable by RequireAuth. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as React's own `lazy`
export function lazyScreen<T extends ComponentType<any>>(
  load: () => Promise<{ default: T }>,
  options: { prefetch?: (client: QueryClient) => void } = {},
): LazyExoticComponent<T> {
  let loading: Promise<{ default: T }> | undefined;
  // One request however often asked; a failed one (offline) is tried again when next asked.
  const once = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  const screen = lazy(once);
  screens.set(screen, {
    preload: () => void once().catch(() => {}),
    prefetch: (client) => options.prefetch?.(client),
  });
  return screen;
}

/**
 * The first lazy screen among `node`'s elements and their children (not what components
 * render): the screen a route element guards. The same object on every call for that screen.
 */
export function screenIn(node: ReactNode): ScreenStarts | undefined {
  let found: ScreenStarts | undefined;
  Children.forEach(node, (child) => {
    if (found || !isValidElement(child)) {
      return;
    }
    found =
      (typeof child.type === "object" && child.type !== null ? screens.get(child.type) : undefined) ??
      screenIn((child.props as { children?: ReactNode }).children);
  });
  return found;
}

import { useEffect, useState } from 'react';

/** The screens of the app; the hash is `#/name/arg/arg`. */
export type Screen =
  | 'overview'
  | 'weddings'
  | 'wedding'
  | 'restore'
  | 'cost'
  | 'destinations'
  | 'studio'
  | 'activity'
  | 'settings'
  | 'welcome';

export interface Route {
  screen: Screen;
  args: string[];
}

const screens: readonly Screen[] = [
  'overview',
  'weddings',
  'wedding',
  'restore',
  'cost',
  'destinations',
  'studio',
  'activity',
  'settings',
  'welcome',
];

/** Parses `#/wedding/3` into `{ screen: 'wedding', args: ['3'] }`; anything unknown is the overview. */
export function parseHash(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [first, ...args] = parts;
  const screen = screens.find((s) => s === first);
  return screen ? { screen, args } : { screen: 'overview', args: [] };
}

/** The hash of a screen: `href('wedding', 3)` is `#/wedding/3`. */
export function href(screen: Screen, ...args: (string | number)[]): string {
  return `#/${[screen, ...args.map((a) => encodeURIComponent(String(a)))].join('/')}`;
}

export function navigate(screen: Screen, ...args: (string | number)[]): void {
  window.location.hash = href(screen, ...args);
}

/** The current route, following hash changes (back and forward buttons work). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

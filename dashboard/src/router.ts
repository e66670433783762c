/** Hash routes (`#/payments/pay_…`): reloadable, linkable, and no server routing needed. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** `payments`, `settings`, … */
  readonly screen: string;
  /** The rest of the path: an object id, or a settings section. */
  readonly rest: readonly string[];
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  return { screen: parts[0] ?? 'home', rest: parts.slice(1) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function navigate(path: string): void {
  location.hash = `#/${path}`;
}

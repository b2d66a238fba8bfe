import { useSyncExternalStore, type MouseEvent } from 'react';

/**
 * A few pages, so no router library: the list at the base URL (filters in the query string,
 * so a filtered list can be bookmarked and Back works), a project at `projects/<code>`, the
 * reviewer's queue at `review`, and the window's intake at `intake` (`?project=<code>` to
 * start from a project). The gateway answers index.html for each (spaFallback).
 */
export const BASE = import.meta.env.BASE_URL; // '/dashboard/'
const REVIEW_PATH = `${BASE}review`;

export type Route =
  | { page: 'list'; search: URLSearchParams }
  | { page: 'project'; code: string }
  /** 待我审查, optionally one department's (`?department=zjj`). */
  | { page: 'review'; department: string | null }
  | { page: 'intake'; search: URLSearchParams }
  | { page: 'not-found' };

export function routeOf(pathname: string, search: string): Route {
  if (pathname === BASE || pathname === BASE.slice(0, -1) || pathname === `${BASE}index.html`) return { page: 'list', search: new URLSearchParams(search) };
  if (pathname === REVIEW_PATH) return { page: 'review', department: new URLSearchParams(search).get('department') || null };
  if (pathname === `${BASE}intake`) return { page: 'intake', search: new URLSearchParams(search) };
  const match = new RegExp(`^${BASE}projects/([^/]+)$`).exec(pathname);
  if (match) return { page: 'project', code: decodeURIComponent(match[1]!) };
  return { page: 'not-found' };
}

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

export function navigate(href: string, options: { replace?: boolean; state?: unknown } = {}): void {
  if (options.replace) history.replaceState(options.state ?? null, '', href);
  else history.pushState(options.state ?? null, '', href);
  notify();
}

export function useLocation(): { pathname: string; search: string; state: unknown } {
  const key = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => `${location.pathname}${location.search}#${history.state === null ? '' : JSON.stringify(history.state)}`,
  );
  void key;
  return { pathname: location.pathname, search: location.search, state: history.state as unknown };
}

export const projectHref = (code: string) => `${BASE}projects/${encodeURIComponent(code)}`;

export const reviewHref = (department: string | null = null) => (department ? `${REVIEW_PATH}?department=${encodeURIComponent(department)}` : REVIEW_PATH);

/**
 * A plain link the keyboard and the browser understand (Tab, Enter, open in a new tab),
 * followed inside the page when it is an ordinary left click.
 */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href')!);
}

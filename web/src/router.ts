// The few paths the client answers to. `parley serve` sends index.html for every path without
// a file extension, so these work on reload and as links.
//   /                              the last conversation, or sign-in / setup
//   /join/<code>                   accept an invitation
//   /client/<team>/<channel>[/<ts>]  a conversation, optionally jumping to a message
//   /archives/<channel>/p<digits>  a permalink from chat.getPermalink
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { kind: 'home' }
  | { kind: 'join'; code: string }
  | { kind: 'client'; channel?: string; ts?: string; thread?: string };

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'join' && parts[1]) return { kind: 'join', code: parts[1] };
  if (parts[0] === 'client') return { kind: 'client', channel: parts[2], ts: parts[3] };
  if (parts[0] === 'archives' && parts[1]) {
    const digits = /^p(\d{7,})$/.exec(parts[2] ?? '')?.[1];
    const ts = digits ? `${digits.slice(0, -6)}.${digits.slice(-6)}` : undefined;
    const thread = new URLSearchParams(search).get('thread_ts') ?? undefined;
    return { kind: 'client', channel: parts[1], ts, thread };
  }
  return { kind: 'home' };
}

const listeners = new Set<() => void>();
// Guarded so that parseRoute can be unit-tested outside a browser.
if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => listeners.forEach((l) => l()));
}

export function navigate(path: string, replace = false) {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const listener = () => setRoute(parseRoute(location.pathname, location.search));
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return route;
}

// Fresher data arrived (the backend's `dataRefreshed` event, with the keys it refreshed):
// whoever shows data under one of those keys reads it again, quietly. One listener for the
// app; pages subscribe with the keys they show, e.g. `org/<id>/projects`.
import { events } from './bindings';

type Listener = { interests: string[]; onrefresh: (keys: string[]) => void };
const listeners = new Set<Listener>();

/**
 * Whether a refreshed key touches what an interest names. `org/x/members` covers
 * `org/x/members?q=…`; a key ending in `/` (`org/x/`) covers everything under it and the
 * org itself (`org/x`).
 */
export function covers(key: string, interest: string): boolean {
  if (key === interest) return true;
  if (key.startsWith(`${interest}?`) || key.startsWith(`${interest}/`)) return true;
  return key.endsWith('/') && `${interest}/`.startsWith(key);
}

export function touches(keys: string[], interests: string[]): boolean {
  return keys.some((k) => interests.some((i) => covers(k, i)));
}

/** Calls `onrefresh` when a refresh touches one of `interests`; returns the unsubscribe. */
export function onRefreshed(interests: string[], onrefresh: (keys: string[]) => void): () => void {
  const l: Listener = { interests, onrefresh };
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Hands refreshed keys to every listener they touch. */
export function dispatchRefreshed(keys: string[]): void {
  for (const l of [...listeners]) if (touches(keys, l.interests)) l.onrefresh(keys);
}

/** Follows the backend's `dataRefreshed`; resolves to a function that stops listening. */
export function listenRefreshes(): Promise<() => void> {
  return events.dataRefreshed.listen((e) => dispatchRefreshed(e.payload.keys));
}

// Fresher data arrived (the backend's `dataRefreshed` event, with the scopes of the reads it
// refreshed): whoever shows data in one of those scopes reads it again, quietly. One listener
// for the app; pages subscribe with the scopes they show, e.g. `orgData(id, 'projects')`.
// Scopes are the backend's `ReadScope` (generated), so a misspelt one does not compile.
import { events, type OrgData, type ReadScope } from './bindings';

/** One kind of read of one org, whatever its filters: `orgData(id, 'members')`. */
export function orgData(org_id: string, data: OrgData): ReadScope {
  return { kind: 'org_data', org_id, data };
}

/** Everything of one org: the org itself and all it holds. */
export function wholeOrg(org_id: string): ReadScope {
  return { kind: 'org', org_id };
}

/**
 * Whether two scopes share a read. `all` shares with every scope; everything of an org
 * shares with each kind of read of that org; otherwise a scope shares only with itself.
 */
export function overlaps(a: ReadScope, b: ReadScope): boolean {
  if (a.kind === 'all' || b.kind === 'all') return true;
  if (a.kind === 'org' || a.kind === 'org_data') {
    if (b.kind !== 'org' && b.kind !== 'org_data') return false;
    if (a.org_id !== b.org_id) return false;
    return a.kind === 'org' || b.kind === 'org' || a.data === b.data;
  }
  return a.kind === b.kind;
}

/** Whether any refreshed scope touches any of `interests`. */
export function touches(refreshed: ReadScope[], interests: ReadScope[]): boolean {
  return refreshed.some((r) => interests.some((i) => overlaps(r, i)));
}

type Listener = { interests: ReadScope[]; onrefresh: (refreshed: ReadScope[]) => void };
const listeners = new Set<Listener>();

/** Calls `onrefresh` when a refresh touches one of `interests`; returns the unsubscribe. */
export function onRefreshed(interests: ReadScope[], onrefresh: (refreshed: ReadScope[]) => void): () => void {
  const l: Listener = { interests, onrefresh };
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Hands refreshed scopes to every listener they touch. */
export function dispatchRefreshed(refreshed: ReadScope[]): void {
  for (const l of [...listeners]) if (touches(refreshed, l.interests)) l.onrefresh(refreshed);
}

/** Follows the backend's `dataRefreshed`; resolves to a function that stops listening. */
export function listenRefreshes(): Promise<() => void> {
  return events.dataRefreshed.listen((e) => dispatchRefreshed(e.payload.scopes));
}

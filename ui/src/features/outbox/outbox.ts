// The outbox as the panel shows it: changes grouped by org, and for a conflict the fields
// I changed next to the values saved meanwhile.
import type { Membership, QueuedChange, Value } from '../../lib/bindings';

export interface Group {
  orgId: string;
  name: string;
  items: QueuedChange[];
}

/** In the order queued, grouped by org (named from the contexts; "Unknown organization" else). */
export function groupByOrg(items: QueuedChange[], contexts: Membership[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    let g = groups.get(item.org_id);
    if (!g) {
      const m = contexts.find((c) => c.org.id === item.org_id);
      const name = !m ? 'Unknown organization' : m.org.kind === 'personal' ? 'Personal' : m.org.name;
      g = { orgId: item.org_id, name, items: [] };
      groups.set(item.org_id, g);
    }
    g.items.push(item);
  }
  return [...groups.values()];
}

export interface FieldDiff {
  field: string;
  label: string;
  mine: string;
  theirs: string;
}

const LABELS: Record<string, string> = { name: 'Name', slug: 'Slug', description: 'Description', website: 'Website' };

function text(v: Value | undefined): string {
  if (v === undefined || v === null || v === '') return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The object "theirs" describes (an org or project; a membership's org if wrapped). */
function theirObject(theirs: Value | null | undefined): Record<string, Value> {
  if (!theirs || typeof theirs !== 'object' || Array.isArray(theirs)) return {};
  const org = theirs.org;
  if (org && typeof org === 'object' && !Array.isArray(org) && !('name' in theirs)) return org;
  return theirs;
}

/** For an edit in conflict: each field I changed, mine vs theirs. Empty for other changes. */
export function conflictFields(item: QueuedChange): FieldDiff[] {
  const c = item.change;
  if (c.kind !== 'update_org' && c.kind !== 'update_project') return [];
  const theirs = theirObject(item.problem?.theirs);
  const patch = c.patch as Record<string, string | null | undefined>;
  return Object.keys(LABELS)
    .filter((f) => patch[f] !== undefined)
    .map((f) => ({ field: f, label: LABELS[f]!, mine: text(patch[f]), theirs: text(theirs[f]) }));
}

export const STATE_LABEL: Record<QueuedChange['state'], string> = {
  pending: 'Waiting to be sent',
  conflict: 'Changed meanwhile',
  refused: 'Refused by the server',
};

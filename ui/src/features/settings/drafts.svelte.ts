// Unsaved settings edits, per org, kept while the app runs: switching context or page
// never throws away what was typed.
import type { Org, UpdateOrgRequest } from '../../lib/bindings';

export interface Values {
  name: string;
  slug: string;
  description: string;
  website: string;
}

export interface Draft {
  /** The org as it was when editing started; its version goes out as If-Match. */
  base: Org;
  values: Values;
}

export const FIELDS = ['name', 'slug', 'description', 'website'] as const;

export function valuesOf(org: Org): Values {
  return {
    name: org.name,
    slug: org.slug,
    description: org.description ?? '',
    website: org.website ?? '',
  };
}

const drafts = $state<Record<string, Draft>>({});

/** The draft for an org, started from `org` if there is none or it was clean. */
export function draftFor(org: Org): Draft {
  const existing = drafts[org.id];
  if (existing && isDirty(existing)) return existing;
  drafts[org.id] = { base: org, values: valuesOf(org) };
  return drafts[org.id]!;
}

export function resetDraft(org: Org): Draft {
  drafts[org.id] = { base: org, values: valuesOf(org) };
  return drafts[org.id]!;
}

export function isDirty(d: Draft): boolean {
  const base = valuesOf(d.base);
  return FIELDS.some((f) => d.values[f].trim() !== base[f].trim());
}

/** Only the fields that changed, trimmed; an emptied description or website clears it. */
export function patchOf(d: Draft): UpdateOrgRequest {
  const base = valuesOf(d.base);
  const patch: UpdateOrgRequest = {};
  for (const f of FIELDS) {
    const v = d.values[f].trim();
    if (v !== base[f].trim()) patch[f] = v;
  }
  return patch;
}

/** My changes carried over onto the version saved meanwhile: fields I did not touch
 *  take their new values, so "keep mine" never reverts someone else's edit. */
export function rebase(d: Draft, theirs: Org): Draft {
  const mine = patchOf(d);
  const values = valuesOf(theirs);
  for (const f of FIELDS) {
    const v = mine[f];
    if (v !== undefined && v !== null) values[f] = v;
  }
  drafts[theirs.id] = { base: theirs, values };
  return drafts[theirs.id]!;
}

/** The org as it will be once a queued patch is sent: shown meanwhile. */
export function patched(org: Org, patch: UpdateOrgRequest): Org {
  const next = { ...org };
  if (patch.name) next.name = patch.name;
  if (patch.slug) next.slug = patch.slug;
  if (patch.description !== undefined) next.description = patch.description || null;
  if (patch.website !== undefined) next.website = patch.website || null;
  return next;
}

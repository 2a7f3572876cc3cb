import { describe, expect, it } from 'vitest';
import { org } from '../../test/ipc';
import { draftFor, isDirty, patchOf, rebase } from './drafts.svelte';

describe('settings drafts', () => {
  it('sends only the fields that changed', () => {
    const d = draftFor(org({ id: 'a', description: 'Old' }));
    expect(isDirty(d)).toBe(false);
    d.values.slug = 'northwind-2';
    d.values.description = '';
    expect(patchOf(d)).toEqual({ slug: 'northwind-2', description: '' });
  });

  it('keeps unsaved input when the same org is opened again', () => {
    const o = org({ id: 'b' });
    draftFor(o).values.name = 'Typed but not saved';
    expect(draftFor(o).values.name).toBe('Typed but not saved');
  });

  it('keeping mine does not revert what someone else changed meanwhile', () => {
    const d = draftFor(org({ id: 'c', name: 'Acme', website: null }));
    d.values.name = 'Acme Mine';
    const theirs = org({ id: 'c', name: 'Acme Theirs', website: 'https://acme.example', version: 2 });
    const r = rebase(d, theirs);
    expect(r.base.version).toBe(2);
    expect(patchOf(r)).toEqual({ name: 'Acme Mine' });
    expect(r.values.website).toBe('https://acme.example');
  });
});

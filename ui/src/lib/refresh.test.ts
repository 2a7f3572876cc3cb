import { describe, expect, it, vi } from 'vitest';
import type { ReadScope } from './bindings';
import { dispatchRefreshed, onRefreshed, orgData, overlaps, touches, wholeOrg } from './refresh';

describe('refreshed scopes', () => {
  it('match what a page shows', () => {
    expect(overlaps(orgData('a', 'projects'), orgData('a', 'projects'))).toBe(true);
    expect(overlaps(wholeOrg('a'), orgData('a', 'projects'))).toBe(true);
    expect(overlaps(orgData('a', 'members'), wholeOrg('a'))).toBe(true);
    expect(overlaps(wholeOrg('a'), wholeOrg('a'))).toBe(true);
    expect(overlaps(wholeOrg('a'), orgData('a', 'membership'))).toBe(true);
    expect(overlaps({ kind: 'all' }, orgData('a', 'ledger'))).toBe(true);
    expect(overlaps({ kind: 'rates' }, { kind: 'all' })).toBe(true);
    expect(overlaps({ kind: 'orgs' }, { kind: 'orgs' })).toBe(true);
    expect(overlaps(orgData('ab', 'projects'), orgData('a', 'projects'))).toBe(false);
    expect(overlaps(wholeOrg('b'), orgData('a', 'projects'))).toBe(false);
    expect(overlaps({ kind: 'orgs' }, wholeOrg('a'))).toBe(false);
    expect(overlaps({ kind: 'orgs' }, orgData('a', 'membership'))).toBe(false);
    expect(overlaps(orgData('a', 'projects'), orgData('a', 'invitations'))).toBe(false);
    expect(overlaps({ kind: 'me' }, { kind: 'my_invitations' })).toBe(false);
    const refreshed: ReadScope[] = [{ kind: 'orgs' }, wholeOrg('a')];
    expect(touches(refreshed, [orgData('a', 'billing')])).toBe(true);
    expect(touches(refreshed, [orgData('b', 'billing'), { kind: 'rates' }])).toBe(false);
  });

  it('reach only the listeners they touch, until unsubscribed', () => {
    const seen = vi.fn();
    const stop = onRefreshed([orgData('a', 'billing')], seen);
    dispatchRefreshed([orgData('a', 'projects')]);
    expect(seen).not.toHaveBeenCalled();
    dispatchRefreshed([{ kind: 'rates' }, orgData('a', 'billing')]);
    expect(seen).toHaveBeenCalledWith([{ kind: 'rates' }, orgData('a', 'billing')]);
    stop();
    dispatchRefreshed([wholeOrg('a')]);
    expect(seen).toHaveBeenCalledTimes(1);
  });
});

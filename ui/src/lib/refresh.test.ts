import { describe, expect, it, vi } from 'vitest';
import { covers, dispatchRefreshed, onRefreshed } from './refresh';

describe('refreshed keys', () => {
  it('match what a page shows', () => {
    expect(covers('org/a/projects', 'org/a/projects')).toBe(true);
    expect(covers('org/a/members?q=ana', 'org/a/members')).toBe(true);
    expect(covers('org/a/invoices/2026-11', 'org/a/invoices')).toBe(true);
    expect(covers('org/a/', 'org/a/projects')).toBe(true);
    expect(covers('org/a/', 'org/a')).toBe(true);
    expect(covers('org/ab/projects', 'org/a/projects')).toBe(false);
    expect(covers('org/b/', 'org/a/projects')).toBe(false);
    expect(covers('orgs', 'org')).toBe(false);
    expect(covers('org/a/projects', 'org/a/project')).toBe(false);
  });

  it('reach only the listeners they touch, until unsubscribed', () => {
    const seen = vi.fn();
    const stop = onRefreshed(['org/a/billing'], seen);
    dispatchRefreshed(['org/a/projects']);
    expect(seen).not.toHaveBeenCalled();
    dispatchRefreshed(['rates', 'org/a/billing']);
    expect(seen).toHaveBeenCalledWith(['rates', 'org/a/billing']);
    stop();
    dispatchRefreshed(['org/a/']);
    expect(seen).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it } from 'vitest';
import { showAsOf, STALE_MS } from './outcome';

describe('showAsOf', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  const at = (ms: number) => new Date(now - ms).toISOString();

  it('always says how old the figures are while offline', () => {
    expect(showAsOf({ as_of: at(5_000), from_cache: false }, false, now)).toBe(true);
    expect(showAsOf({ as_of: at(5_000), from_cache: true }, false, now)).toBe(true);
  });

  it('online, only for an answer from the store older than a minute', () => {
    expect(showAsOf({ as_of: at(STALE_MS + 1), from_cache: true }, true, now)).toBe(true);
    expect(showAsOf({ as_of: at(5_000), from_cache: true }, true, now)).toBe(false);
    expect(showAsOf({ as_of: at(STALE_MS * 10), from_cache: false }, true, now)).toBe(false);
  });

  it('says nothing before anything was read', () => {
    expect(showAsOf(null, false, now)).toBe(false);
  });
});

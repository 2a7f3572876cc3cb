import { describe, expect, it } from 'vitest';
import { initials, relativeTime } from './format';

describe('format', () => {
  it('reads an invitation expiry in days', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(relativeTime('2026-12-02T09:59:00Z', now)).toBe('in 7 days');
    expect(relativeTime('2026-11-25T07:00:00Z', now)).toBe('3 hours ago');
  });

  it('makes initials', () => {
    expect(initials('Léa  Moreau')).toBe('LM');
    expect(initials('')).toBe('?');
  });
});

import { describe, expect, it } from 'vitest';
import { credits, initials, relativeTime, signedCredits, withArticle } from './format';

describe('format', () => {
  it('reads an invitation expiry in days', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(relativeTime('2026-12-02T09:59:00Z', now)).toBe('in 7 days');
    expect(relativeTime('2026-11-25T07:00:00Z', now)).toBe('3 hours ago');
  });

  it('puts the right article before a role', () => {
    expect(withArticle('member')).toBe('a member');
    expect(withArticle('admin')).toBe('an admin');
    expect(withArticle('owner')).toBe('an owner');
  });

  it('makes initials', () => {
    expect(initials('Léa  Moreau')).toBe('LM');
    expect(initials('')).toBe('?');
  });

  it('writes credits as whole numbers with separators and a true minus sign', () => {
    expect(credits(81115)).toMatch(/^81\D115$/);
    expect(credits(0)).toBe('0');
    expect(signedCredits(1500)).toMatch(/^\+1\D500$/);
    expect(signedCredits(-12)).toBe('\u221212');
  });
});

import { describe, expect, it } from 'vitest';
import { credits, initials, money, relativeTime, shortDateTime, signedCredits, withArticle } from './format';

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

describe('shortDateTime', () => {
  it('gives the time alone today, and the day before it otherwise', () => {
    const now = new Date(2026, 10, 25, 18, 0).getTime();
    const today = new Date(2026, 10, 25, 14, 2).toISOString();
    const yesterday = new Date(2026, 10, 24, 14, 2).toISOString();
    const lastYear = new Date(2025, 10, 24, 14, 2).toISOString();
    expect(shortDateTime(today, now)).toMatch(/^\d{1,2}[:.]02(\s?[AP]M)?$/);
    expect(shortDateTime(yesterday, now)).toMatch(/24/);
    expect(shortDateTime(yesterday, now)).not.toMatch(/2026/);
    expect(shortDateTime(lastYear, now)).toMatch(/2025/);
  });
});

describe('money', () => {
  it('writes cents as the currency, with its symbol and two decimals', () => {
    expect(money(4_500, 'eur')).toBe('€45.00');
    expect(money(123_456, 'usd')).toBe('$1,234.56');
    expect(money(0, 'eur')).toBe('€0.00');
  });

  it('keeps currencies without minor units whole', () => {
    expect(money(500, 'jpy')).toBe('¥500');
  });

  it('says the amount and the code for a code it does not know', () => {
    expect(money(4_500, 'not-a-code')).toBe('45.00 NOT-A-CODE');
  });
});

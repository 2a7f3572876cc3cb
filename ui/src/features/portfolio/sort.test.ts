import { describe, expect, it } from 'vitest';
import type { PortfolioRow, Role } from '../../lib/bindings';
import { ariaSort, nextSort, sortRows } from './sort';

function row(name: string, role: Role, balance: number | null, extra: Partial<PortfolioRow> = {}): PortfolioRow {
  return {
    org: {
      membership: {
        org: {
          id: name,
          kind: 'organization',
          slug: name.toLowerCase(),
          name,
          description: null,
          website: null,
          logo: null,
          plan: 'free',
          version: 1,
          created_at: '2026-01-01T00:00:00Z',
          pending_deletion: null,
        },
        role,
        capabilities: [],
        sso_required: false,
      },
      balance,
      low_balance_threshold: null,
      low_balance: balance === null ? null : false,
      spent_this_month: balance === null ? null : 0,
      spent_last_month: balance === null ? null : 0,
      pending_invitations: null,
      active_projects: 1,
    },
    queued_changes: 0,
    last_visited: null,
    ...extra,
  };
}

const names = (rows: PortfolioRow[]) => rows.map((r) => r.org.membership.org.name);

describe('the portfolio order', () => {
  const rows = [
    row('cedar', 'member', null),
    row('Atlas', 'owner', 300),
    row('birch', 'admin', 1000),
    row('Delta', 'admin', 300, { queued_changes: 2, last_visited: '2026-12-01T10:00:00Z' }),
  ];

  it('keeps the server order until a column is chosen', () => {
    expect(names(sortRows(rows, null))).toEqual(['cedar', 'Atlas', 'birch', 'Delta']);
  });

  it('sorts names without regard to case, and reverses', () => {
    expect(names(sortRows(rows, { column: 'name', direction: 'ascending' }))).toEqual(['Atlas', 'birch', 'cedar', 'Delta']);
    expect(names(sortRows(rows, { column: 'name', direction: 'descending' }))).toEqual(['Delta', 'cedar', 'birch', 'Atlas']);
  });

  it('puts figures the role may not see last, either way, and keeps ties stable', () => {
    expect(names(sortRows(rows, { column: 'balance', direction: 'ascending' }))).toEqual(['Atlas', 'Delta', 'birch', 'cedar']);
    expect(names(sortRows(rows, { column: 'balance', direction: 'descending' }))).toEqual(['birch', 'Atlas', 'Delta', 'cedar']);
  });

  it('sorts roles owner, admin, member', () => {
    expect(names(sortRows(rows, { column: 'role', direction: 'ascending' }))).toEqual(['Atlas', 'birch', 'Delta', 'cedar']);
  });

  it('sorts by this computer’s figures: queued changes and last visit (never visited last)', () => {
    expect(names(sortRows(rows, { column: 'queued_changes', direction: 'descending' }))[0]).toBe('Delta');
    const visited = sortRows(rows, { column: 'last_visited', direction: 'descending' });
    expect(names(visited)).toEqual(['Delta', 'cedar', 'Atlas', 'birch']);
  });

  it('a header click sorts ascending, a second click reverses, another column starts over', () => {
    const first = nextSort(null, 'balance');
    expect(first).toEqual({ column: 'balance', direction: 'ascending' });
    const second = nextSort(first, 'balance');
    expect(second.direction).toBe('descending');
    expect(nextSort(second, 'balance').direction).toBe('ascending');
    expect(nextSort(second, 'name')).toEqual({ column: 'name', direction: 'ascending' });
    expect(ariaSort(second, 'balance')).toBe('descending');
    expect(ariaSort(second, 'name')).toBe('none');
    expect(ariaSort(null, 'name')).toBe('none');
  });

  it('does not change the rows it was given', () => {
    const copy = [...rows];
    sortRows(rows, { column: 'name', direction: 'descending' });
    expect(rows).toEqual(copy);
  });
});

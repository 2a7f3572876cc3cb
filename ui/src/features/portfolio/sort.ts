// The portfolio's order: by a column, either way. A figure the role may not see (null)
// sorts after every figure whichever way the column is sorted, so hidden figures never
// pretend to be the smallest or the largest.
import type { PortfolioRow, Role } from '../../lib/bindings';

export type PortfolioColumn =
  | 'name'
  | 'role'
  | 'balance'
  | 'spent_this_month'
  | 'spent_last_month'
  | 'pending_invitations'
  | 'active_projects'
  | 'queued_changes'
  | 'last_visited';

export type Direction = 'ascending' | 'descending';
export interface SortBy {
  column: PortfolioColumn;
  direction: Direction;
}

const ROLE_RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

/** The value a row sorts by in `column`; null where the role may not see it. */
export function sortValue(row: PortfolioRow, column: PortfolioColumn): string | number | null {
  const o = row.org;
  switch (column) {
    case 'name':
      return o.membership.org.name;
    case 'role':
      return ROLE_RANK[o.membership.role];
    case 'last_visited':
      return row.last_visited === null ? null : new Date(row.last_visited).getTime();
    case 'queued_changes':
      return row.queued_changes;
    default:
      return o[column];
  }
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, undefined, { sensitivity: 'base' });
  return (a as number) - (b as number);
}

/** The rows sorted by `by` (stable: ties keep the server's order); `null` keeps it. */
export function sortRows(rows: readonly PortfolioRow[], by: SortBy | null): PortfolioRow[] {
  if (!by) return [...rows];
  const sign = by.direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: sortValue(row, by.column) }))
    .sort((x, y) => {
      if (x.v === null || y.v === null) {
        if (x.v === y.v) return x.i - y.i;
        return x.v === null ? 1 : -1;
      }
      return sign * compare(x.v, y.v) || x.i - y.i;
    })
    .map((x) => x.row);
}

/** A header clicked: sort by it ascending, or reverse it when it already sorts. */
export function nextSort(current: SortBy | null, column: PortfolioColumn): SortBy {
  if (current?.column === column) {
    return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  return { column, direction: 'ascending' };
}

/** The header's `aria-sort`. */
export function ariaSort(current: SortBy | null, column: PortfolioColumn): 'ascending' | 'descending' | 'none' {
  return current?.column === column ? current.direction : 'none';
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Fresh, Page } from '../bindings';
import type { CommandResult } from '../ipc';
import { PagedQuery } from '../pagedQuery.svelte';
import PagedList from '../../test/PagedListHarness.svelte';

// jsdom has no layout: give the scroller a size, so the virtualizer draws rows.
const sizes = { offsetHeight: 400, offsetWidth: 600 };
beforeEach(() => {
  for (const [k, v] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => v });
  }
});
afterEach(() => {
  cleanup();
  for (const k of Object.keys(sizes)) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k];
});

type Item = { id: number; name: string };

/** A query over `pages` (a cursor is the next page's index); `broken` pages fail once. */
function query(pages: Item[][], broken = new Set<number>()) {
  const asked: (string | null)[] = [];
  const q = new PagedQuery<Item, null>('o1', null, async (_org, _filter, cursor): Promise<CommandResult<Fresh<Page<Item>>>> => {
    asked.push(cursor);
    const i = cursor === null ? 0 : Number(cursor);
    if (broken.delete(i)) return { status: 'error', error: { code: 'server_unreachable', message: 'The server did not answer.' } };
    const next = i + 1 < pages.length ? String(i + 1) : null;
    return { status: 'ok', data: { value: { items: pages[i] ?? [], next_cursor: next }, as_of: '2026-11-25T14:02:00Z', from_cache: false } };
  });
  return { q, asked };
}

const items = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: from + i, name: `Item ${from + i}` }));

describe('PagedList, virtualized', () => {
  it('is a named list the keyboard can scroll', async () => {
    const { q } = query([items(5)]);
    render(PagedList, { props: { list: q, virtual: true } });
    await q.more();
    await vi.waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(5));
    const list = screen.getByRole('list', { name: 'Things' });
    expect(list).toHaveAttribute('tabindex', '0');
    expect(list).toHaveAttribute('data-testid', 'things');
    expect(screen.getAllByRole('listitem')[4]).toHaveAttribute('aria-setsize', '5');
  });

  it('offers a retry in the list when a page fails, then shows it', async () => {
    const { q, asked } = query([items(3)], new Set([0]));
    const user = userEvent.setup();
    render(PagedList, { props: { list: q, virtual: true } });
    expect(screen.getByTestId('loading')).toBeInTheDocument();
    await q.more();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server did not answer.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(3));
    expect(asked).toEqual([null, null]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the failed state instead of the list when given one', async () => {
    const { q } = query([items(3)], new Set([0]));
    render(PagedList, { props: { list: q, virtual: true, withFailed: true } });
    await q.more();
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load: The server did not answer.');
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows the empty state when the query finds nothing', async () => {
    const { q } = query([[]]);
    render(PagedList, { props: { list: q, virtual: true } });
    await q.more();
    expect(await screen.findByText('Nothing here')).toBeInTheDocument();
    expect(screen.queryByRole('list')).toBeNull();
  });
});

describe('PagedList, with a load more button', () => {
  it('loads older pages on request, says when a page failed, and says when that is all', async () => {
    const { q, asked } = query([items(2), items(2, 2)], new Set([1]));
    const user = userEvent.setup();
    render(PagedList, { props: { list: q, virtual: false } });
    expect(screen.queryByTestId('more')).toBeNull(); // nothing to continue before the first page
    await q.more();
    await vi.waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(2));
    await user.click(screen.getByTestId('more'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The server did not answer.');
    expect(screen.getAllByTestId('row')).toHaveLength(2);
    await user.click(screen.getByTestId('more'));
    await vi.waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(4));
    expect(asked).toEqual([null, '1', '1']);
    expect(screen.queryByTestId('more')).toBeNull();
    expect(screen.getByText('All done.')).toBeInTheDocument();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { membership, org } from '../test/ipc';
import StubPage from '../test/StubPage.svelte';
import { eager, lazy, prefetch, type PageComponent } from './loadable.svelte';
import PageSlot from './PageSlot.svelte';

const acme = membership(org({ id: 'a', name: 'Acme', slug: 'acme' }), 'admin');
const stub = StubPage as unknown as PageComponent;

/** A fetch that answers when told to. */
function deferred() {
  let answer!: (c: PageComponent) => void;
  let fail!: (e: Error) => void;
  const fetch = vi.fn(
    () =>
      new Promise<PageComponent>((resolve, reject) => {
        answer = resolve;
        fail = reject;
      }),
  );
  return { fetch, answer: (c: PageComponent) => answer(c), fail: (e: Error) => fail(e) };
}

afterEach(cleanup);

describe('PageSlot', () => {
  it('renders a page of the initial bundle at once, with no loading state', () => {
    render(PageSlot, { props: { page: eager(stub), membership: acme } });
    expect(screen.getByTestId('stub-page')).toHaveTextContent('Stub page of Acme');
    expect(screen.queryByTestId('page-loading')).toBeNull();
  });

  it('fetches a lazy page on first visit, and renders it at once on the next', async () => {
    const { fetch, answer } = deferred();
    const page = lazy(fetch);
    const first = render(PageSlot, { props: { page, membership: acme } });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('page-loading')).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryByTestId('stub-page')).toBeNull();

    answer(stub);
    expect(await screen.findByTestId('stub-page')).toBeInTheDocument();
    expect(screen.queryByTestId('page-loading')).toBeNull();
    first.unmount();

    // Back on the page: synchronous, no second fetch, no loading state even for a frame.
    render(PageSlot, { props: { page, membership: acme } });
    expect(screen.getByTestId('stub-page')).toBeInTheDocument();
    expect(screen.queryByTestId('page-loading')).toBeNull();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('shows why a fetch failed with a retry, not a blank page, and the retry loads it', async () => {
    const { fetch, answer, fail } = deferred();
    render(PageSlot, { props: { page: lazy(fetch), membership: acme } });
    fail(new Error('Failed to fetch dynamically imported module: /assets/billing-x.js'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This page could not be loaded');
    expect(alert).toHaveTextContent('Failed to fetch dynamically imported module');

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('page-loading')).toBeInTheDocument();
    answer(stub);
    expect(await screen.findByTestId('stub-page')).toBeInTheDocument();
  });
});

describe('prefetch', () => {
  it('fetches every lazy page once, one after another, after the first paint', async () => {
    const a = deferred();
    const b = vi.fn(() => Promise.resolve(stub));
    const pages = [eager(stub), lazy(a.fetch), lazy(b)];
    prefetch(pages);
    expect(a.fetch).not.toHaveBeenCalled(); // not before the frame is painted
    await vi.waitFor(() => expect(a.fetch).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 400));
    expect(b).not.toHaveBeenCalled(); // the next one waits for the previous
    a.answer(stub);
    await vi.waitFor(() => expect(b).toHaveBeenCalledTimes(1));
    expect(pages.every((p) => p.component === stub)).toBe(true);
  });

  it('fetches nothing once cancelled', async () => {
    const fetch = vi.fn(() => Promise.resolve(stub));
    prefetch([lazy(fetch)])();
    await new Promise((r) => setTimeout(r, 400));
    expect(fetch).not.toHaveBeenCalled();
  });
});

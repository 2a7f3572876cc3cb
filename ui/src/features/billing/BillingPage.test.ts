import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import type { Channel } from '@tauri-apps/api/core';
import { backend, membership, org, reset } from '../../test/ipc';
import { entry, reads, summary } from '../../test/billing';
import type { LedgerEntry } from '../../lib/bindings';
import { isoDay } from '../../lib/format';
import { toasts } from '../../lib/toast.svelte';
import BillingPage from './BillingPage.svelte';
import { fillDays, parseCredits } from './billing';

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });

// jsdom has no layout: give the ledger a viewport.
const sizes = { offsetHeight: 448, offsetWidth: 900 };
beforeAll(() => {
  for (const [k, v] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => v });
  }
});
afterAll(() => {
  for (const k of Object.keys(sizes)) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k];
});
afterEach(reset);

/** 1,000 ledger entries served 100 at a time by cursor, like the server. */
const all: LedgerEntry[] = Array.from({ length: 1000 }, (_, i) =>
  entry(i, i % 10 === 0 ? { kind: 'top_up', amount: 500, modality: null, quantity: null, description: 'Top-up' } : {}),
);
function ledger(a: Record<string, unknown>) {
  const kind = (a.filter as { kind?: string }).kind;
  const matching = kind ? all.filter((e) => e.kind === kind) : all;
  const start = a.cursor ? Number(a.cursor) : 0;
  return { items: matching.slice(start, start + 100), next_cursor: start + 100 < matching.length ? String(start + 100) : null };
}

describe('BillingPage', () => {
  it('shows the balance as whole credits, spent this month, and the plan with its usage', async () => {
    backend(reads());
    render(BillingPage, { props: { membership: membership(o) } });
    expect(await screen.findByTestId('billing-balance')).toHaveTextContent('12,345');
    expect(screen.getByTestId('billing-balance')).toHaveAttribute('data-balance', '12345');
    expect(screen.getByTestId('billing-spent-month')).toHaveTextContent('1,250');
    expect(screen.getByTestId('billing-plan')).toHaveAttribute('data-plan', 'team');
    expect(within(screen.getByTestId('plan-usage-projects')).getByRole('meter')).toHaveAttribute('aria-valuenow', '5');
    expect(screen.getByTestId('plan-usage-seats')).toHaveTextContent('7 of 50');
    expect(screen.queryByTestId('billing-low-balance')).toBeNull();
    expect(screen.getByTestId('plan-change')).toBeInTheDocument();
    expect(screen.getByTestId('topup-open')).toBeInTheDocument();
  });

  it('warns when the balance is below the threshold', async () => {
    backend(reads({
      get_billing: () => summary({ balance: 80, low_balance_threshold: 100, low_balance_alert: { threshold: 100, balance: 80, at: '2026-11-24T08:00:00Z' } }),
    }));
    render(BillingPage, { props: { membership: membership(o) } });
    expect(await screen.findByTestId('billing-low-balance')).toHaveTextContent('below the alert threshold of 100');
  });

  it('offers no plan change to an admin', async () => {
    backend(reads());
    render(BillingPage, { props: { membership: membership(o, 'admin') } });
    await screen.findByTestId('billing-balance');
    expect(screen.queryByTestId('plan-change')).toBeNull();
    expect(screen.getByTestId('topup-open')).toBeInTheDocument();
  });

  it('lists the ledger virtualized, with signed amounts, and loads further pages by cursor', async () => {
    const calls = backend(reads({ ledger }));
    render(BillingPage, { props: { membership: membership(o) } });
    await vi.waitFor(() => expect(screen.getAllByTestId('ledger-row').length).toBeGreaterThan(5));
    const rows = screen.getAllByTestId('ledger-row');
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]).toHaveAttribute('data-kind', 'top_up');
    expect(within(rows[0]!).getByTestId('ledger-amount')).toHaveTextContent('+500');
    expect(within(rows[1]!).getByTestId('ledger-amount')).toHaveTextContent('\u221212');
    expect(rows[1]).toHaveTextContent('12 × text in Website: 12 credits');
    await vi.waitFor(() => expect(screen.getAllByTestId('ledger-row')[1]).toHaveTextContent('by Ana Lima'));
    expect(screen.getAllByTestId('ledger-row')[1]).not.toHaveTextContent('Website ·');
    expect(calls.of('ledger')).toHaveLength(1);

    const scroller = screen.getByTestId('ledger-list');
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 92 * 56 });
    await fireEvent.scroll(scroller);
    await vi.waitFor(() => expect(calls.of('ledger')).toHaveLength(2));
    expect(calls.of('ledger')[1]).toMatchObject({ orgId: 'o1', cursor: '100' });
    await vi.waitFor(() => expect(screen.getAllByTestId('ledger-row').some((r) => r.textContent?.includes('9,895'))).toBe(true));
  });

  it('filters the ledger on the server by kind', async () => {
    const calls = backend(reads({ ledger }));
    const user = userEvent.setup();
    const { container } = render(BillingPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('ledger-row');
    await user.selectOptions(container.querySelector('select[name=kind]')!, 'top_up');
    await vi.waitFor(() => expect(calls.of('ledger').at(-1)).toMatchObject({ filter: { kind: 'top_up', project: null }, cursor: null }));
    await vi.waitFor(() => expect(screen.getAllByTestId('ledger-row').every((r) => r.dataset.kind === 'top_up')).toBe(true));
  });

  it('says what to do when a new org has no ledger yet', async () => {
    backend(reads({ ledger: () => ({ items: [], next_cursor: null }), get_billing: () => summary({ balance: 0 }) }));
    render(BillingPage, { props: { membership: membership(o) } });
    expect(await screen.findByTestId('ledger-empty')).toHaveTextContent('Top up credits to get started');
  });

  it('groups usage by person over 7 days, with a table of the same numbers', async () => {
    const calls = backend(reads());
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    const table = await screen.findByTestId('usage-table');
    await vi.waitFor(() => expect(within(table).getAllByTestId('usage-row')).toHaveLength(2));
    expect(within(table).getAllByTestId('usage-row')[0]).toHaveTextContent('Website9,00012090%');
    expect(screen.getByTestId('usage-chart')).toBeInTheDocument();
    expect(calls.of('usage_report')[0]).toMatchObject({ orgId: 'o1', groupBy: 'project', to: null });

    await user.click(screen.getByTestId('usage-group-user'));
    await vi.waitFor(() => expect(calls.of('usage_report').at(-1)).toMatchObject({ groupBy: 'user' }));
    await user.click(screen.getByTestId('usage-period-7'));
    await vi.waitFor(() => expect(calls.of('usage_report').at(-1)).toMatchObject({ groupBy: 'user' }));
    const from = new Date(calls.of('usage_report').at(-1)!.from as string);
    const days = Math.round((Date.now() - from.getTime()) / 86_400_000);
    expect(days).toBeGreaterThanOrEqual(6);
    expect(days).toBeLessThanOrEqual(7);
  });

  it('exports usage as CSV: the command asks where, then reports progress', async () => {
    let finish: (v: unknown) => void = () => {};
    let progress: Channel<number> | undefined;
    const calls = backend(reads({
      export_usage_csv: (a) => {
        progress = a.progress as Channel<number>;
        return new Promise((resolve) => (finish = resolve));
      },
    }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');
    await user.click(screen.getByTestId('usage-export-csv'));
    await vi.waitFor(() => expect(calls.of('export_usage_csv')).toHaveLength(1));
    const args = calls.of('export_usage_csv')[0]!;
    expect(args).toMatchObject({ orgId: 'o1', groupBy: 'project', fileName: `northwind-usage-by-project-${isoDay()}.csv` });
    expect(args).not.toHaveProperty('path');
    // The dialog is open (in the command): nothing shows until a place is chosen.
    expect(screen.queryByTestId('usage-export-progress')).toBeNull();
    progress!.onmessage(0);
    progress!.onmessage(3072);
    expect(await screen.findByTestId('usage-export-progress')).toHaveTextContent('3.0 KB written');
    // One export at a time.
    await user.click(screen.getByTestId('usage-export-csv'));
    expect(calls.of('export_usage_csv')).toHaveLength(1);
    finish({ path: '/home/ana/usage.csv', bytes: 4096 });
    await vi.waitFor(() => expect(screen.queryByTestId('usage-export-progress')).toBeNull());
    expect(toasts.at(-1)?.message).toContain('/home/ana/usage.csv');
  });

  it('says nothing when the save dialog is cancelled', async () => {
    const calls = backend(reads({ export_usage_csv: () => null }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');
    const before = toasts.length;
    await user.click(screen.getByTestId('usage-export-csv'));
    await vi.waitFor(() => expect(calls.of('export_usage_csv')).toHaveLength(1));
    await tick();
    expect(toasts.length).toBe(before);
    expect(screen.queryByTestId('usage-export-progress')).toBeNull();
    expect(screen.getByTestId('usage-export-csv')).toBeEnabled();
  });

  it('lists statements and saves one as PDF through the command, which asks where', async () => {
    const calls = backend(reads({
      get_invoice: (a) => ({
        summary: { ...reads().list_invoices()[0]!, id: a.month },
        org_name: 'Northwind Traders',
        lines: [
          { description: 'Top-up INV-1', quantity: null, amount: 5000 },
          { description: 'Website · text', quantity: 62, amount: -750 },
        ],
      }),
      save_invoice_pdf: () => ({ path: '/home/ana/northwind-2026-10.pdf', bytes: 20480 }),
    }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('invoice-row');
    expect(rows.map((r) => r.dataset.month)).toEqual(['2026-11', '2026-10']);
    expect(within(rows[0]!).getByTestId('invoice-open')).toHaveTextContent('open');
    expect(within(rows[1]!).queryByTestId('invoice-open')).toBeNull();

    await user.click(rows[1]!);
    const dialog = await screen.findByTestId('invoice-dialog');
    await vi.waitFor(() => expect(within(dialog).getAllByTestId('invoice-line')).toHaveLength(2));
    expect(within(dialog).getByTestId('invoice-closing')).toHaveTextContent('5,250');
    expect(within(dialog).getAllByTestId('invoice-line')[1]).toHaveTextContent('\u2212750');
    await user.click(within(dialog).getByTestId('invoice-pdf'));
    await vi.waitFor(() => expect(calls.of('save_invoice_pdf')).toHaveLength(1));
    expect(calls.log.some((c) => c.cmd.startsWith('plugin:dialog'))).toBe(false);
    const args = calls.of('save_invoice_pdf')[0]!;
    expect(args).toMatchObject({ orgId: 'o1', month: '2026-10', fileName: 'northwind-statement-2026-10.pdf' });
    expect(args).not.toHaveProperty('path');
    await vi.waitFor(() => expect(toasts.at(-1)?.message).toContain('northwind-2026-10.pdf'));
  });

  it('turns the low-balance alert on, and off with an empty field', async () => {
    const calls = backend(reads({ set_low_balance_threshold: (a) => summary({ low_balance_threshold: a.threshold as number | null }) }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    const input = (await screen.findByTestId('billing-threshold')).querySelector('input[name=threshold]')!;
    await user.type(input, '1,500');
    await user.click(screen.getByTestId('threshold-save'));
    await vi.waitFor(() => expect(calls.of('set_low_balance_threshold')[0]).toEqual({ orgId: 'o1', threshold: 1500 }));
    await vi.waitFor(() => expect(screen.getByTestId('billing-threshold')).toHaveTextContent('below 1,500 credits'));
    await user.clear(input);
    await user.click(screen.getByTestId('threshold-save'));
    await vi.waitFor(() => expect(calls.of('set_low_balance_threshold')[1]).toEqual({ orgId: 'o1', threshold: null }));
  });

  it('limits spending to listed projects', async () => {
    const calls = backend(reads({ set_spend_policy: (a) => summary({ spend_policy: a.policy as never }) }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    const card = await screen.findByTestId('billing-spend-policy');
    expect(within(card).getByTestId('spend-policy-save')).toBeDisabled();
    await user.click(within(card).getByTestId('spend-policy-projects'));
    expect(within(card).getByTestId('spend-policy-save')).toBeDisabled(); // none checked yet
    await vi.waitFor(() => expect(card.querySelectorAll('[data-testid=spend-policy-project]')).toHaveLength(2));
    await user.click(card.querySelector('[data-testid=spend-policy-project][data-slug=app]')!);
    await user.click(within(card).getByTestId('spend-policy-save'));
    expect(calls.of('set_spend_policy')[0]).toEqual({ orgId: 'o1', policy: { kind: 'projects', ids: ['pa'] } });
    await vi.waitFor(() => expect(card).toHaveAttribute('data-policy', 'projects'));
  });
});

describe('billing helpers', () => {
  it('reads typed credits as integers only', () => {
    expect(parseCredits('5,000')).toEqual({ value: 5000 });
    expect(parseCredits(' 12 500 ')).toEqual({ value: 12500 });
    expect(parseCredits('2.5')).toHaveProperty('error');
    expect(parseCredits('0')).toHaveProperty('error');
    expect(parseCredits('10000001', 10_000_000)).toHaveProperty('error');
  });

  it('fills days without usage with zero', () => {
    const rows = fillDays([{ key: '2026-11-02', label: '2026-11-02', credits: 5, events: 1 }], '2026-11-01T00:00:00Z', '2026-11-03T09:00:00Z');
    expect(rows.map((r) => [r.key, r.credits])).toEqual([['2026-11-01', 0], ['2026-11-02', 5], ['2026-11-03', 0]]);
  });
});

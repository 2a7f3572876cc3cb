import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset } from '../../test/ipc';
import { reads, summary } from '../../test/billing';
import type { BillingSummary } from '../../lib/bindings';
import BillingPage from './BillingPage.svelte';

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });

afterEach(reset);

function page(over: Partial<BillingSummary>) {
  backend(reads({ get_billing: () => summary(over) }));
  render(BillingPage, { props: { membership: membership(o) } });
}

describe('Billing on a server that records top-ups (local)', () => {
  it('says top-ups are recorded, not charged, by the balance and in the top-up dialog', async () => {
    const user = userEvent.setup();
    page({ payment_mode: 'local' });
    expect(await screen.findByTestId('billing-local-note')).toHaveTextContent(
      'Recorded, not charged: this server runs on your computer.',
    );
    expect(screen.queryByTestId('billing-operator-note')).toBeNull();
    await user.click(screen.getByTestId('topup-open'));
    const dialog = await screen.findByTestId('topup-dialog');
    expect(within(dialog).getByTestId('topup-local-note')).toHaveTextContent('Recorded, not charged');
    expect(screen.getByTestId('plan-change')).toBeInTheDocument();
    expect(screen.queryByTestId('plan-operator-note')).toBeNull();
  });
});

describe('Billing on a server that takes no payments (none)', () => {
  it('explains that the operator grants credits and sets plans, with no Top up button', async () => {
    page({ payment_mode: 'none', plan: 'free' });
    expect(await screen.findByTestId('billing-operator-note')).toHaveTextContent("its operator grants credits");
    expect(screen.getByTestId('plan-operator-note')).toHaveTextContent("Paid plans are set by this server's operator.");
    expect(screen.queryByTestId('billing-local-note')).toBeNull();
    expect(screen.queryByTestId('topup-open')).toBeNull();
    expect(screen.queryByRole('button', { name: /top up/i })).toBeNull();
    // On Free there is nothing else to pick: no Change plan either.
    expect(screen.queryByTestId('plan-change')).toBeNull();
  });

  it('lets the owner of a paid plan move to Free only', async () => {
    const user = userEvent.setup();
    page({ payment_mode: 'none', plan: 'team' });
    await user.click(await screen.findByTestId('plan-change'));
    const dialog = await screen.findByTestId('plan-dialog');
    expect(within(dialog).getByTestId('plan-option-free')).toBeInTheDocument();
    expect(within(dialog).getByTestId('plan-option-team')).toBeInTheDocument();
    expect(within(dialog).queryByTestId('plan-option-business')).toBeNull();
    expect(within(dialog).getByTestId('plan-dialog-operator-note')).toHaveTextContent("server's operator");
  });

  it('asks the operator for credits when the balance runs low', async () => {
    page({
      payment_mode: 'none',
      balance: 80,
      low_balance_threshold: 100,
      low_balance_alert: { threshold: 100, balance: 80, at: '2026-11-24T08:00:00Z' },
    });
    const banner = await screen.findByTestId('billing-low-balance');
    expect(banner).toHaveTextContent("Ask the server's operator for credits.");
    expect(within(banner).queryByRole('button')).toBeNull();
  });
});

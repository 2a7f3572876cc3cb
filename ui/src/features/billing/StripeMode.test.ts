// Billing on a server that takes cards (stripe mode), rendered with what the backend
// would answer: the payment method, billing details, buying a credit pack (waiting, paid,
// declined), the payment history with receipts, a plan waiting for its payment, past due.
import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Channel } from '@tauri-apps/api/core';
import { backend, fail, membership, org, queued, reset } from '../../test/ipc';
import { payment, stripeReads, summary, visa } from '../../test/billing';
import type { CardTopUp, PaymentProgress } from '../../lib/bindings';
import { dispatchRefreshed } from '../../lib/refresh';
import { toasts } from '../../lib/toast.svelte';
import BillingPage from './BillingPage.svelte';

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });

afterEach(reset);

function show(role: 'owner' | 'member' = 'owner') {
  render(BillingPage, { props: { membership: membership(o, role) } });
}

describe('credits owed', () => {
  it('says what a refund took back beyond the balance, and nothing when nothing is owed', async () => {
    backend(stripeReads({ balance: 0, credits_owed: 700 }));
    show();
    expect(await screen.findByTestId('billing-credits-owed')).toHaveTextContent(
      'A refund took back 700 credits more than the balance held',
    );
    reset();
    document.body.innerHTML = '';
    backend(stripeReads());
    show();
    await screen.findByTestId('card-summary');
    expect(screen.queryByTestId('billing-credits-owed')).toBeNull();
  });
});

describe('the payment method', () => {
  it('shows the saved card as brand, last four digits and expiry, with Replace card', async () => {
    backend(stripeReads());
    show();
    expect(await screen.findByTestId('card-summary')).toHaveTextContent('Visa •••• 4242');
    expect(screen.getByTestId('card-expiry')).toHaveTextContent('Expires 12/30');
    expect(screen.getByTestId('card-open')).toHaveTextContent('Replace card');
    expect(screen.getByTestId('billing-stripe-note')).toHaveTextContent('bought in packs');
    expect(screen.queryByTestId('billing-local-note')).toBeNull();
  });

  it('opens the card page with Add card, then shows the card once the summary has it', async () => {
    let card: typeof visa | null = null;
    const calls = backend(stripeReads({}, {
      get_billing: () => ({ org_id: 'o1', payment_mode: 'stripe', balance: 0, plan: 'team', limits: { projects: 25, seats: 50, owned_orgs: 10, audit_retention_days: 90 }, usage: { projects: 0, seats: 1 }, low_balance_threshold: null, low_balance_alert: null, spent_this_month: 0, spend_policy: { kind: 'everyone' }, card, subscription: null }),
      add_card: () => ({ url: 'http://127.0.0.1:8787/pay/card/t0k', expires_at: new Date(Date.now() + 15 * 60_000).toISOString() }),
    }));
    const user = userEvent.setup();
    show();
    expect(await screen.findByTestId('card-none')).toHaveTextContent('No card yet');
    await user.click(screen.getByTestId('card-open'));
    expect(calls.of('add_card')).toEqual([{ orgId: 'o1', current: null }]);
    expect(await screen.findByTestId('card-waiting')).toHaveTextContent('“Add a card” window');
    // The backend saw the card arrive and says the billing summary changed.
    card = visa;
    dispatchRefreshed([{ kind: 'org_data', org_id: 'o1', data: 'billing' }]);
    expect(await screen.findByTestId('card-summary')).toHaveTextContent('Visa •••• 4242');
    expect(screen.queryByTestId('card-waiting')).toBeNull();
    expect(toasts.at(-1)?.message).toBe('Card saved: Visa •••• 4242.');
  });

  it('is shown, without a button, to a member who may not pay', async () => {
    backend(stripeReads());
    show('member');
    expect(await screen.findByTestId('card-summary')).toBeInTheDocument();
    expect(screen.queryByTestId('card-open')).toBeNull();
  });
});

describe('billing details', () => {
  it('saves the profile from the keyboard, and a refused field keeps what was typed', async () => {
    const calls = backend(stripeReads({}, {
      update_billing_profile: () => fail({ code: 'validation_failed', message: 'Not a country code.', field: 'country' }),
    }));
    const user = userEvent.setup();
    show();
    const company = await screen.findByLabelText('Company name');
    await vi.waitFor(() => expect(company).toHaveValue('Northwind Traders GmbH'));
    const country = screen.getByLabelText('Country');
    await user.clear(country);
    await user.type(country, 'XX');
    await user.click(screen.getByLabelText('City'));
    await user.keyboard('{End} Mitte{Enter}');
    await vi.waitFor(() => expect(calls.of('update_billing_profile')).toHaveLength(1));
    expect(calls.of('update_billing_profile')[0]!.profile).toMatchObject({ country: 'XX', city: 'Berlin Mitte', company_name: 'Northwind Traders GmbH' });
    expect(await screen.findByTestId('field-error-profile-country')).toHaveTextContent('Not a country code.');
    expect(country).toHaveValue('XX');
    expect(screen.getByLabelText('City')).toHaveValue('Berlin Mitte');
  });

  it('says what is wrong before sending an email or country that cannot be right', async () => {
    const calls = backend(stripeReads({}, { update_billing_profile: (a) => a.profile }));
    const user = userEvent.setup();
    show();
    const email = await screen.findByLabelText('Billing email');
    await vi.waitFor(() => expect(email).toHaveValue('billing@northwind.example'));
    await user.clear(email);
    await user.type(email, 'not an email{Enter}');
    expect(await screen.findByTestId('field-error-profile-billing_email')).toHaveTextContent('Enter an email address');
    expect(calls.of('update_billing_profile')).toHaveLength(0);
  });
});

describe('buying credits by card', () => {
  function paying(answer: (a: Record<string, unknown>, progress: Channel<PaymentProgress>) => unknown) {
    return backend(stripeReads({}, {
      top_up_by_card: (a) => answer(a, a.progress as Channel<PaymentProgress>),
    }));
  }

  it('offers the packs with their prices, waits for the payment, then says the new balance', async () => {
    let finish: (v: CardTopUp) => void = () => {};
    let progress: Channel<PaymentProgress> | undefined;
    const calls = paying((_, p) => {
      progress = p;
      return new Promise((resolve) => (finish = resolve));
    });
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('topup-open'));
    const dialog = await screen.findByTestId('card-topup-dialog');
    expect(within(dialog).getAllByTestId('pack-price').map((p) => p.textContent)).toEqual(['€10.00', '€45.00', '€160.00']);
    expect(within(dialog).getByTestId('card-topup-card')).toHaveTextContent('Charged to Visa •••• 4242.');
    await user.click(within(dialog).getByTestId('pack-5000'));
    expect(within(dialog).getByTestId('card-topup-submit')).toHaveTextContent('Pay €45.00');
    await user.click(within(dialog).getByTestId('card-topup-submit'));
    await vi.waitFor(() => expect(calls.of('top_up_by_card')).toHaveLength(1));
    const args = calls.of('top_up_by_card')[0]!;
    expect(args).toMatchObject({ orgId: 'o1', credits: 5_000 });
    expect(args.requestId).toMatch(/^[0-9a-f-]{36}$/);
    progress!.onmessage({ payment: payment(3, { status: 'pending', receipt_number: null }), checks: 1 });
    expect(await within(dialog).findByTestId('card-topup-progress')).toHaveTextContent('Waiting for the payment to go through');
    finish({ payment: payment(3), balance: 17_345 });
    await vi.waitFor(() => expect(screen.queryByTestId('card-topup-dialog')).toBeNull());
    expect(toasts.at(-1)?.message).toBe('Paid: 5,000 credits added. The balance is now 17,345 credits.');
  });

  it("shows a decline's reason in the dialog, and a new try is a new payment", async () => {
    let n = 0;
    const calls = paying(() => {
      n += 1;
      if (n === 1) fail({ code: 'payment_declined', message: 'Your card has insufficient funds.' });
      return { status: 'applied', value: { payment: payment(4), balance: 17_345 } };
    });
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('topup-open'));
    const dialog = await screen.findByTestId('card-topup-dialog');
    await user.click(within(dialog).getByTestId('pack-1000'));
    await user.click(within(dialog).getByTestId('card-topup-submit'));
    expect(await within(dialog).findByTestId('card-topup-declined')).toHaveTextContent(
      'Payment declined. Stripe says: “Your card has insufficient funds.” No credits were added.',
    );
    await user.click(within(dialog).getByTestId('card-topup-submit'));
    await vi.waitFor(() => expect(calls.of('top_up_by_card')).toHaveLength(2));
    const [first, second] = calls.of('top_up_by_card');
    expect(second!.requestId).not.toBe(first!.requestId);
  });

  it('retries an unconfirmed payment under the same request id, so it is charged once', async () => {
    let n = 0;
    const calls = paying(() => {
      n += 1;
      if (n === 1) fail({ code: 'server_unreachable', message: 'The server did not answer.' });
      return queued({ summary: 'Buy 5000 credits with the saved card' });
    });
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('topup-open'));
    const dialog = await screen.findByTestId('card-topup-dialog');
    await user.click(within(dialog).getByTestId('pack-5000'));
    await user.click(within(dialog).getByTestId('card-topup-submit'));
    expect(await within(dialog).findByTestId('card-topup-uncertain')).toHaveTextContent('Retrying is safe');
    expect(within(dialog).getByTestId('card-topup-submit')).toHaveTextContent('Retry');
    await user.click(within(dialog).getByTestId('card-topup-submit'));
    await vi.waitFor(() => expect(calls.of('top_up_by_card')).toHaveLength(2));
    const [first, second] = calls.of('top_up_by_card');
    expect(second!.requestId).toBe(first!.requestId);
    await vi.waitFor(() => expect(screen.queryByTestId('card-topup-dialog')).toBeNull());
    expect(toasts.at(-1)?.message).toContain('waits in the outbox');
  });
});

describe('the payment history', () => {
  it('lists payments with price, card, status and a receipt to save', async () => {
    const calls = backend(stripeReads({}, { save_receipt_pdf: () => ({ path: '/home/ana/receipt.pdf', bytes: 2048, as_of: null }) }));
    const user = userEvent.setup();
    show();
    const rows = await screen.findAllByTestId('payment-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId('payment-price')).toHaveTextContent('€45.00');
    expect(rows[0]).toHaveTextContent('5,000');
    expect(rows[0]).toHaveTextContent('Visa •••• 4242');
    expect(within(rows[0]!).getByTestId('payment-status')).toHaveTextContent('Paid');
    expect(within(rows[1]!).getByTestId('payment-status')).toHaveTextContent('Failed');
    expect(within(rows[1]!).getByTestId('payment-failure')).toHaveTextContent('Your card was declined.');
    expect(within(rows[1]!).queryByTestId('payment-receipt')).toBeNull();
    await user.click(within(rows[0]!).getByTestId('payment-receipt'));
    await vi.waitFor(() => expect(calls.of('save_receipt_pdf')).toHaveLength(1));
    expect(calls.of('save_receipt_pdf')[0]).toMatchObject({ orgId: 'o1', paymentId: 'pay2', fileName: 'northwind-receipt-OD-2026-000002.pdf' });
    await vi.waitFor(() => expect(toasts.at(-1)?.message).toContain('/home/ana/receipt.pdf'));
  });

  it('asks once about a payment still pending, and shows what it became', async () => {
    const calls = backend(stripeReads({}, {
      list_payments: () => ({ items: [payment(5, { status: 'pending', receipt_number: null })], next_cursor: null }),
      check_payment: () => payment(5),
    }));
    show();
    const row = await screen.findByTestId('payment-row');
    await vi.waitFor(() => expect(within(row).getByTestId('payment-status')).toHaveTextContent('Paid'));
    expect(calls.of('check_payment')).toEqual([{ orgId: 'o1', paymentId: 'pay5' }]);
  });
});

describe('the plan in stripe mode', () => {
  it('prices the paid plans a month, and says a new plan waits for its payment', async () => {
    const calls = backend(stripeReads({ plan: 'free' }, {
      change_plan: () => summary({ payment_mode: 'stripe', plan: 'free', subscription: { plan: 'team', status: 'pending', past_due_since: null } }),
    }));
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('plan-change'));
    const dialog = await screen.findByTestId('plan-dialog');
    expect(within(dialog).getByTestId('plan-price-team')).toHaveTextContent('€29.00 a month');
    expect(within(dialog).getByTestId('plan-price-business')).toHaveTextContent('€99.00 a month');
    expect(within(dialog).queryByTestId('plan-price-free')).toBeNull();
    expect(within(dialog).getByTestId('plan-dialog-stripe-note')).toHaveTextContent('charged monthly to the saved card');
    await user.click(within(dialog).getByTestId('plan-option-team'));
    await user.click(within(dialog).getByTestId('plan-confirm'));
    await vi.waitFor(() => expect(calls.of('change_plan')).toEqual([{ orgId: 'o1', plan: 'team' }]));
    expect(await screen.findByTestId('plan-pending')).toHaveTextContent('Waiting for the payment to go through…');
    expect(toasts.at(-1)?.message).toBe('Waiting for the payment to go through…');
  });

  it('says a paid plan waits for its payment', async () => {
    backend(stripeReads({ plan: 'free', subscription: { plan: 'team', status: 'pending', past_due_since: null } }));
    show();
    expect(await screen.findByTestId('plan-pending')).toHaveTextContent('Waiting for the payment to go through…');
  });

  it('shows the past-due banner when a renewal failed', async () => {
    backend(stripeReads({ subscription: { plan: 'team', status: 'past_due', past_due_since: '2026-11-24T08:00:00Z' } }));
    show();
    expect(await screen.findByTestId('billing-past-due')).toHaveTextContent('Your last plan payment failed — update your card');
  });
});

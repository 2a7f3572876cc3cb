import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import { entry, reads, summary } from '../../test/billing';
import { toasts } from '../../lib/toast.svelte';
import { workspace } from '../../lib/workspace.svelte';
import BillingPage from './BillingPage.svelte';

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });

afterEach(reset);

function topUpOk(a: Record<string, unknown>) {
  const amount = (a.input as { amount: number }).amount;
  return { entry: entry(99, { kind: 'top_up', amount, modality: null, quantity: null }), balance: 12_345 + amount };
}

describe('Top-up', () => {
  it('retries a failed top-up with the same request id, and a new top-up gets a new one', async () => {
    let attempts = 0;
    const calls = backend(reads({
      top_up: (a) => {
        attempts += 1;
        if (attempts === 1) fail({ code: 'server_unreachable', message: 'The server cannot be reached (the connection broke).' });
        return topUpOk(a);
      },
    }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');

    await user.click(screen.getByTestId('topup-open'));
    let dialog = await screen.findByTestId('topup-dialog');
    await user.type(dialog.querySelector('input[name=amount]')!, '5000');
    await user.type(dialog.querySelector('input[name=payment_reference]')!, 'INV-7');
    await user.click(within(dialog).getByTestId('topup-submit'));

    // The network failed: the dialog offers a retry and keeps what was typed.
    expect(await within(dialog).findByTestId('topup-uncertain')).toHaveTextContent('Retrying is safe');
    expect(within(dialog).getByTestId('topup-submit')).toHaveTextContent('Retry');
    expect(dialog.querySelector('input[name=amount]')).toHaveValue('5000');
    await user.click(within(dialog).getByTestId('topup-submit'));

    await vi.waitFor(() => expect(screen.queryByTestId('topup-dialog')).toBeNull());
    const [first, retry] = calls.of('top_up');
    expect(first).toMatchObject({ orgId: 'o1', input: { amount: 5000, payment_reference: 'INV-7' } });
    expect(typeof first!.requestId).toBe('string');
    expect(retry!.requestId).toBe(first!.requestId);
    expect(toasts.at(-1)?.message).toBe('Added 5,000 credits. The balance is now 17,345 credits.');
    // The page reads the balance, the ledger and the statements again.
    await vi.waitFor(() => expect(calls.of('get_billing').length).toBeGreaterThanOrEqual(2));
    expect(calls.of('ledger').length).toBeGreaterThanOrEqual(2);
    expect(calls.of('list_invoices').length).toBeGreaterThanOrEqual(2);

    // A new top-up is a new request.
    await user.click(screen.getByTestId('topup-open'));
    dialog = await screen.findByTestId('topup-dialog');
    expect(dialog.querySelector('input[name=amount]')).toHaveValue('');
    await user.type(dialog.querySelector('input[name=amount]')!, '1000');
    await user.click(within(dialog).getByTestId('topup-submit'));
    await vi.waitFor(() => expect(calls.of('top_up')).toHaveLength(3));
    expect(calls.of('top_up')[2]!.requestId).not.toBe(first!.requestId);
  });

  it('keeps the request id when the dialog is closed after a failure, and reopens on the retry', async () => {
    let attempts = 0;
    const calls = backend(reads({
      top_up: (a) => (++attempts === 1 ? fail({ code: 'server_unreachable', message: 'Offline.' }) : topUpOk(a)),
    }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');
    await user.click(screen.getByTestId('topup-open'));
    let dialog = await screen.findByTestId('topup-dialog');
    await user.type(dialog.querySelector('input[name=amount]')!, '700');
    await user.click(within(dialog).getByTestId('topup-submit'));
    await within(dialog).findByTestId('topup-uncertain');
    await user.keyboard('{Escape}');
    await vi.waitFor(() => expect(screen.queryByTestId('topup-dialog')).toBeNull());

    await user.click(screen.getByTestId('topup-open'));
    dialog = await screen.findByTestId('topup-dialog');
    expect(within(dialog).getByTestId('topup-uncertain')).toBeInTheDocument();
    await user.click(within(dialog).getByTestId('topup-submit'));
    await vi.waitFor(() => expect(calls.of('top_up')).toHaveLength(2));
    expect(calls.of('top_up')[1]!.requestId).toBe(calls.of('top_up')[0]!.requestId);
  });

  it('checks the amount before sending', async () => {
    const calls = backend(reads({ top_up: topUpOk }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');
    await user.click(screen.getByTestId('topup-open'));
    const dialog = await screen.findByTestId('topup-dialog');
    await user.type(dialog.querySelector('input[name=amount]')!, '12.5');
    await user.click(within(dialog).getByTestId('topup-submit'));
    expect(await within(dialog).findByTestId('field-error-amount')).toHaveTextContent('whole number');
    expect(calls.of('top_up')).toHaveLength(0);
  });
});

describe('Plan', () => {
  it('shows a downgrade refusal in the dialog, listing what is over', async () => {
    const calls = backend(reads({
      change_plan: () =>
        fail({
          code: 'plan_downgrade_blocked',
          // The first of the problem's items, as the client hands it over.
          message: '5 projects in use; the Free plan allows 3. Archive or delete some first.',
        }),
    }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');
    await user.click(screen.getByTestId('plan-change'));
    const dialog = await screen.findByTestId('plan-dialog');
    expect(within(dialog).getByTestId('plan-confirm')).toBeDisabled(); // the current plan
    await user.click(within(dialog).getByTestId('plan-option-free'));
    await vi.waitFor(() => expect(within(dialog).getByTestId('plan-option-free')).toHaveTextContent('Over its limits now'));
    await user.click(within(dialog).getByTestId('plan-confirm'));

    const refusal = await within(dialog).findByTestId('plan-blocked');
    expect(calls.of('change_plan')[0]).toEqual({ orgId: 'o1', plan: 'free' });
    const items = within(refusal).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['5 projects in use; the Free plan allows 3. Archive or delete some first.', '7 seats in use (allows 5)']);
    expect(screen.getByTestId('plan-dialog')).toBeInTheDocument(); // still open
  });

  it('changes the plan and takes the new one everywhere', async () => {
    workspace.contexts = [membership(o)];
    const calls = backend(reads({
      change_plan: (a) => summary({ plan: a.plan as 'business' }),
      get_org: () => membership(org({ ...o, plan: 'business' })),
    }));
    const user = userEvent.setup();
    render(BillingPage, { props: { membership: membership(o) } });
    await screen.findByTestId('billing-balance');
    await user.click(screen.getByTestId('plan-change'));
    const dialog = await screen.findByTestId('plan-dialog');
    await user.click(within(dialog).getByTestId('plan-option-business'));
    await user.click(within(dialog).getByTestId('plan-confirm'));
    await vi.waitFor(() => expect(screen.queryByTestId('plan-dialog')).toBeNull());
    expect(screen.getByTestId('billing-plan')).toHaveAttribute('data-plan', 'business');
    await vi.waitFor(() => expect(workspace.contexts[0]?.org.plan).toBe('business'));
    expect(calls.of('change_plan')).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { backend, membership, org, reset } from '../../test/ipc';
import OverviewPage from './OverviewPage.svelte';

afterEach(reset);

const limits = { projects: 10, seats: 5, owned_orgs: 3, audit_retention_days: 90 };
const overview = (o: ReturnType<typeof org>) => ({
  org: o,
  role: 'owner',
  member_count: 2,
  projects: { active: 4, suspended: 1, archived: 2 },
  pending_invitations: 1,
  seats_used: 3,
  limits,
});
const billing = {
  org_id: 'o1',
  balance: 12500,
  plan: 'team',
  limits,
  usage: { projects: 5, seats: 3 },
  low_balance_threshold: null,
  low_balance_alert: null,
  spent_this_month: 400,
  spend_policy: { kind: 'everyone' },
};

describe('OverviewPage', () => {
  it('shows projects by status, pending invitations and seats used of the plan', async () => {
    const o = org({ id: 'o1', plan: 'team' });
    backend({ get_overview: () => overview(o), get_billing: () => billing });
    render(OverviewPage, { props: { membership: membership(o) } });
    await vi.waitFor(() => expect(screen.getByTestId('overview-seats')).toHaveTextContent('3 / 5'));
    expect(screen.getByTestId('overview-projects-active')).toHaveTextContent('4');
    expect(screen.getByTestId('overview-projects-suspended')).toHaveTextContent('1');
    expect(screen.getByTestId('overview-projects-archived')).toHaveTextContent('2');
    expect(screen.getByTestId('overview-pending-invitations')).toHaveTextContent('1');
    expect(screen.getByRole('meter')).toHaveAttribute('aria-valuenow', '3');
    await vi.waitFor(() => expect(screen.getByTestId('overview-balance')).toHaveTextContent('12,500'));
  });

  it('shows no balance to members, who may not see billing', async () => {
    const o = org({ id: 'o1' });
    const calls = backend({ get_overview: () => overview(o), get_billing: () => billing });
    render(OverviewPage, { props: { membership: membership(o, 'member') } });
    await vi.waitFor(() => expect(screen.getByTestId('overview-seats')).toHaveTextContent('3 / 5'));
    expect(screen.queryByTestId('overview-balance-card')).toBeNull();
    expect(calls.of('get_billing')).toHaveLength(0);
  });
});

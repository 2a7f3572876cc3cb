import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { backend, membership, org, reset } from '../../test/ipc';
import OverviewPage from './OverviewPage.svelte';

afterEach(reset);

describe('OverviewPage', () => {
  it('shows projects by status, pending invitations and seats used of the plan', async () => {
    const o = org({ id: 'o1', plan: 'team' });
    backend({
      get_overview: () => ({
        org: o,
        role: 'owner',
        member_count: 2,
        projects: { active: 4, suspended: 1, archived: 2 },
        pending_invitations: 1,
        seats_used: 3,
        limits: { projects: 10, seats: 5, owned_orgs: 3, audit_retention_days: 90 },
      }),
    });
    render(OverviewPage, { props: { membership: membership(o) } });
    await vi.waitFor(() => expect(screen.getByTestId('overview-seats')).toHaveTextContent('3 / 5'));
    expect(screen.getByTestId('overview-projects-active')).toHaveTextContent('4');
    expect(screen.getByTestId('overview-projects-suspended')).toHaveTextContent('1');
    expect(screen.getByTestId('overview-projects-archived')).toHaveTextContent('2');
    expect(screen.getByTestId('overview-pending-invitations')).toHaveTextContent('1');
    expect(screen.getByRole('meter')).toHaveAttribute('aria-valuenow', '3');
  });
});

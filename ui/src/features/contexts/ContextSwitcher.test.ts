import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset } from '../../test/ipc';
import { workspace } from '../../lib/workspace.svelte';
import { received } from '../../lib/invitations.svelte';
import { toasts } from '../../lib/toast.svelte';
import { fail } from '../../test/ipc';
import ContextSwitcher from './ContextSwitcher.svelte';
import { switcher } from './switcher.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const northwind = membership(org({ id: 'n', name: 'Northwind Traders', slug: 'northwind' }), 'admin');
const globex = membership(org({ id: 'g', name: 'Globex Studio', slug: 'globex' }), 'member');

beforeEach(() => {
  backend({ save_location: () => null, my_invitations: () => [] });
  received.clear();
  workspace.contexts = [personal, globex, northwind];
  workspace.currentId = 'n';
  switcher.open = false;
});
afterEach(reset);

describe('ContextSwitcher', () => {
  it('shows the current context and lists every context with its role', async () => {
    const user = userEvent.setup();
    render(ContextSwitcher);
    expect(screen.getByTestId('current-context-name')).toHaveTextContent('Northwind Traders');
    expect(screen.getByTestId('current-context-name')).toHaveAttribute('title', 'Northwind Traders');
    await user.click(screen.getByTestId('switcher-trigger'));
    const items = await screen.findAllByTestId('switcher-item');
    expect(items.map((i) => i.dataset.slug)).toEqual(['personal-ana', 'globex', 'northwind']);
    expect(items[0]).toHaveTextContent('Personal');
    expect(items[1]).toHaveTextContent('member');
    expect(items[2]).toHaveAttribute('data-current', 'true');
  });

  it('marks an org scheduled for deletion, in the list and as the current context', async () => {
    const pending = { scheduled_at: '2026-12-01T10:00:00Z', purge_at: '2026-12-31T10:00:00Z', scheduled_by: 'u1' };
    workspace.contexts = [personal, globex, membership(org({ ...northwind.org, pending_deletion: pending }), 'admin')];
    const user = userEvent.setup();
    render(ContextSwitcher);
    expect(screen.getByTestId('switcher-trigger')).toHaveTextContent('Admin · To be deleted');
    await user.click(screen.getByTestId('switcher-trigger'));
    const items = await screen.findAllByTestId('switcher-item');
    expect(items[2]!.querySelector('[data-testid=switcher-pending-deletion]')).not.toBeNull();
    expect(items[1]!.querySelector('[data-testid=switcher-pending-deletion]')).toBeNull();
  });

  it('filters as you type and switches on Enter', async () => {
    const user = userEvent.setup();
    render(ContextSwitcher);
    await user.click(screen.getByTestId('switcher-trigger'));
    await user.type(await screen.findByTestId('switcher-filter'), 'glob');
    const items = screen.getAllByTestId('switcher-item');
    expect(items.map((i) => i.dataset.slug)).toEqual(['globex']);
    await user.keyboard('{Enter}');
    expect(workspace.currentId).toBe('g');
    expect(switcher.open).toBe(false);
  });
});

const invitation = {
  id: 'inv1',
  org: { id: 'a', name: 'Acme Studio', slug: 'acme', logo: null },
  email: 'ana@example.com',
  role: 'member' as const,
  invited_by: 'Lee Park',
  expires_at: '2099-01-01T00:00:00Z',
};

describe('ContextSwitcher invitations', () => {
  it('counts waiting invitations and accepting joins the org and goes to its overview', async () => {
    const acme = membership(org({ id: 'a', name: 'Acme Studio', slug: 'acme' }), 'member');
    const calls = backend({
      save_location: () => null,
      my_invitations: () => [invitation],
      accept_invitation: () => acme,
    });
    const user = userEvent.setup();
    render(ContextSwitcher);
    expect(await screen.findByTestId('switcher-invitation-count')).toHaveTextContent('1');
    await user.click(screen.getByTestId('switcher-trigger'));
    const item = await screen.findByTestId('switcher-invitation');
    expect(item).toHaveAttribute('data-org-slug', 'acme');
    expect(item).toHaveTextContent('Lee Park');
    expect(calls.of('my_invitations').length).toBeGreaterThanOrEqual(2); // refreshed on open
    await user.click(screen.getByTestId('invitation-accept'));

    expect(calls.of('accept_invitation')[0]).toEqual({ tokenOrId: 'inv1' });
    await vi.waitFor(() => expect(workspace.currentId).toBe('a'));
    expect(workspace.page).toBe('overview');
    expect(workspace.contexts.map((c) => c.org.slug)).toContain('acme');
    expect(switcher.open).toBe(false);
    expect(screen.queryByTestId('switcher-invitation-count')).toBeNull();
    expect(toasts.at(-1)?.message).toBe('You joined Acme Studio as a member.');
  });

  it('says plainly why accepting failed and keeps the invitation listed', async () => {
    const calls = backend({
      save_location: () => null,
      my_invitations: () => [invitation],
      accept_invitation: () => fail({ code: 'seat_limit_reached', message: 'Acme Studio has no free seats.' }),
    });
    const user = userEvent.setup();
    render(ContextSwitcher);
    await user.click(screen.getByTestId('switcher-trigger'));
    await user.click(await screen.findByTestId('invitation-accept'));
    const item = screen.getByTestId('switcher-invitation');
    await vi.waitFor(() => expect(item).toHaveTextContent('no free seats'));
    expect(item).toHaveTextContent('upgrade the plan');
    expect(calls.of('accept_invitation')).toHaveLength(1);
    expect(workspace.currentId).toBe('n');
  });
});

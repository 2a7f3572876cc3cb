import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset, status } from '../test/ipc';
import type { SessionInfo } from '../lib/bindings';
import { workspace } from '../lib/workspace.svelte';
import { received } from '../lib/invitations.svelte';
import { connectivity } from '../lib/connectivity.svelte';
import Sidebar from './Sidebar.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const session: SessionInfo = {
  me: { user: { id: 'u', email: 'ana@example.com', display_name: 'Ana Lima', created_at: '' }, personal_org_id: 'p', session_expires_at: '', email_verified: true },
  server: { kind: 'embedded' },
  token_storage: { kind: 'keychain' },
  location: null,
};

beforeEach(() => {
  received.clear();
  workspace.session = session;
  workspace.contexts = [personal];
  workspace.currentId = 'p';
  workspace.phase = 'signed-in';
});
afterEach(() => {
  cleanup();
  reset();
  connectivity.clear();
});

function setup(queued: number) {
  return backend({
    my_invitations: () => [],
    save_location: () => null,
    connectivity_status: () => status({ online: false, queued }),
    sign_out: () => null,
  });
}

describe('Sign out', () => {
  it('with unsent changes asks first, and signs out only when confirmed', async () => {
    const calls = setup(2);
    const user = userEvent.setup();
    render(Sidebar);
    await user.click(screen.getByTestId('user-menu-trigger'));
    await user.click(await screen.findByTestId('sign-out'));
    const dialog = await screen.findByTestId('signout-confirm');
    expect(dialog).toHaveTextContent('2 changes have not been sent yet. Signing out deletes them from this computer.');
    expect(calls.of('sign_out')).toHaveLength(0);
    await user.click(within(dialog).getByTestId('signout-confirm-submit'));
    await vi.waitFor(() => expect(workspace.phase).toBe('signed-out'));
    expect(calls.of('sign_out')).toHaveLength(1);
  });

  it('with nothing waiting signs out at once', async () => {
    const calls = setup(0);
    const user = userEvent.setup();
    render(Sidebar);
    await user.click(screen.getByTestId('user-menu-trigger'));
    await user.click(await screen.findByTestId('sign-out'));
    await vi.waitFor(() => expect(calls.of('sign_out')).toHaveLength(1));
    expect(screen.queryByTestId('signout-confirm')).toBeNull();
  });
});

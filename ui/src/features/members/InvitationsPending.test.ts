import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { emit } from '@tauri-apps/api/event';
import { backend, queuedChange, reset } from '../../test/ipc';
import type { Invitation, Project, QueuedChange } from '../../lib/bindings';
import { connectivity } from '../../lib/connectivity.svelte';
import { outbox } from '../../lib/outbox.svelte';
import { dispatchRefreshed, orgData } from '../../lib/refresh';
import InvitationsTab from './InvitationsTab.svelte';

const web = {
  id: 'pw', org_id: 'o1', slug: 'web', name: 'Website', description: null, status: 'active', suspended_reason: null,
  version: 1, created_at: '', updated_at: '',
} satisfies Project;
const invite = (email: string, id: string): Invitation => ({
  id, org_id: 'o1', email, role: 'member', project_scope: { kind: 'projects', ids: ['pw'] }, status: 'pending',
  invited_by: null, created_at: '2026-11-25T14:02:00Z', expires_at: '2099-01-01T00:00:00Z',
});
const sending = queuedChange({
  id: 3,
  org_id: 'o1',
  change: {
    kind: 'invite_members',
    org_id: 'o1',
    input: { emails: ['li@example.com', 'mo@example.com'], role: 'member', project_scope: { kind: 'projects', ids: ['pw'] } },
  },
  summary: 'Invite li@example.com, mo@example.com',
});
const props = { orgId: 'o1', projects: new Map([['pw', web]]), version: 0, oninvite: () => {}, onchanged: () => {} };

afterEach(() => {
  cleanup();
  reset();
  connectivity.clear();
  outbox.clear();
});

describe('InvitationsTab, invitations waiting to be sent', () => {
  it('shows a pending row per email, without actions on the server, until they are sent', async () => {
    let queue: QueuedChange[] = [sending, queuedChange({ id: 4, org_id: 'o1', summary: 'Archive project' })];
    let invitations = [invite('ada@example.com', 'i0')];
    backend({ list_invitations: () => invitations, list_outbox: () => queue }, { events: true });
    await outbox.load();
    const stop = await outbox.listen();
    const user = userEvent.setup();
    render(InvitationsTab, { props });

    await screen.findByTestId('invitation-row');
    const rows = screen.getAllByTestId('invitation-row-pending');
    expect(rows.map((r) => r.dataset.email)).toEqual(['li@example.com', 'mo@example.com']);
    for (const row of rows) {
      expect(row).toHaveTextContent('Website');
      expect(within(row).getByTestId('role-badge')).toHaveTextContent('member');
      expect(within(row).getByTestId('queued-chip')).toHaveTextContent(/^Waiting to be sent$/);
      expect(within(row).queryByTestId('invitation-revoke')).toBeNull();
      expect(within(row).queryByTestId('invitation-resend')).toBeNull();
      expect(within(row).queryByTestId('invitation-copy-link')).toBeNull();
    }
    await user.click(within(rows[0]!).getByTestId('invitation-pending-review'));
    expect(connectivity.outboxOpen).toBe(true);

    // Sent: the outbox empties and the invitations are read again; no email twice.
    queue = [];
    invitations = [invite('ada@example.com', 'i0'), invite('li@example.com', 'i1'), invite('mo@example.com', 'i2')];
    await emit('outbox-changed', { queued: 0, attention: 0 });
    dispatchRefreshed([orgData('o1', 'invitations')]);
    await vi.waitFor(() => expect(screen.getAllByTestId('invitation-row')).toHaveLength(3));
    await vi.waitFor(() => expect(screen.queryAllByTestId('invitation-row-pending')).toHaveLength(0));
    stop();
  });

  it('lists them instead of "No pending invitations", and says when one needs attention', async () => {
    backend({ list_invitations: () => [], list_outbox: () => [{ ...sending, state: 'conflict' }] });
    await outbox.load();
    render(InvitationsTab, { props });
    const rows = await screen.findAllByTestId('invitation-row-pending');
    expect(rows).toHaveLength(2);
    expect(screen.queryByTestId('invitations-empty')).toBeNull();
    expect(within(rows[1]!).getByTestId('queued-chip')).toHaveTextContent(/^Needs attention$/);
  });
});

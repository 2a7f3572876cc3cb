import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Membership, PendingDeletion } from '../../lib/bindings';
import { toasts } from '../../lib/toast.svelte';
import { workspace } from '../../lib/workspace.svelte';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import DangerZonePage from './DangerZonePage.svelte';
import PendingDeletionBanner from './PendingDeletionBanner.svelte';

const pending: PendingDeletion = { scheduled_at: '2026-12-01T10:00:00Z', purge_at: '2026-12-31T10:00:00Z', scheduled_by: 'u1' };
const acme = org({ id: 'o1', name: 'Acme', slug: 'acme' });
const owner = membership(acme, 'owner');
const scheduled = membership(org({ ...acme, pending_deletion: pending }), 'owner');

beforeEach(() => {
  workspace.contexts = [owner];
  workspace.currentId = 'o1';
});
afterEach(() => {
  cleanup();
  reset();
  toasts.splice(0);
});

async function openDialog(user: ReturnType<typeof userEvent.setup>) {
  render(DangerZonePage, { props: { membership: owner } });
  await user.click(screen.getByTestId('danger-delete-open'));
  return screen.findByTestId('org-delete-dialog');
}

describe('Danger zone: deleting the org', () => {
  it('asks for the slug typed exactly and the password, and says why the server refused, keeping the input', async () => {
    let answer: () => Membership = () => fail({ code: 'invalid_credentials', message: 'The password is not right.', field: 'password' });
    const calls = backend({ two_factor_status: () => ({ enabled: false, enabled_at: null, recovery_codes_left: 0 }), schedule_org_deletion: () => answer() });
    const user = userEvent.setup();
    const dialog = await openDialog(user);
    expect(dialog).toHaveTextContent('After 30 days it is deleted for good');
    expect(screen.queryByTestId('org-delete-code')).toBeNull();

    await user.type(screen.getByTestId('org-delete-slug'), 'Acme');
    await user.type(screen.getByTestId('org-delete-password'), 'wrong password');
    await user.click(screen.getByTestId('org-delete-confirm'));
    expect(screen.getByTestId('field-error-confirm_slug')).toHaveTextContent('Type acme exactly.');
    expect(calls.of('schedule_org_deletion')).toHaveLength(0);

    await user.clear(screen.getByTestId('org-delete-slug'));
    await user.type(screen.getByTestId('org-delete-slug'), 'acme');
    await user.click(screen.getByTestId('org-delete-confirm'));
    expect(await screen.findByTestId('field-error-delete_org_password')).toHaveTextContent('The password is not right.');
    expect(calls.of('schedule_org_deletion')[0]).toEqual({
      orgId: 'o1',
      input: { confirm_slug: 'acme', password: 'wrong password', code: null, recovery_code: null },
    });
    expect(screen.getByTestId('org-delete-slug')).toHaveValue('acme');
    expect(screen.getByTestId('org-delete-password')).toHaveValue('wrong password');

    answer = () => scheduled;
    await user.clear(screen.getByTestId('org-delete-password'));
    await user.type(screen.getByTestId('org-delete-password'), 'right password');
    await user.click(screen.getByTestId('org-delete-confirm'));
    await vi.waitFor(() => expect(screen.queryByTestId('org-delete-dialog')).toBeNull());
    expect(workspace.contexts[0]!.org.pending_deletion).toEqual(pending);
    expect(toasts.at(-1)?.message).toContain('You can cancel until then.');
  });

  it('asks for a two-factor code when the account has it, or a recovery code', async () => {
    const calls = backend({
      two_factor_status: () => ({ enabled: true, enabled_at: '2026-11-01T10:00:00Z', recovery_codes_left: 10 }),
      schedule_org_deletion: () => scheduled,
    });
    const user = userEvent.setup();
    await openDialog(user);
    await user.type(screen.getByTestId('org-delete-slug'), 'acme');
    await user.type(screen.getByTestId('org-delete-password'), 'pw');
    const code = await screen.findByTestId('org-delete-code');
    await user.click(screen.getByTestId('org-delete-confirm'));
    expect(screen.getByTestId('field-error-delete_org_code')).toHaveTextContent('Enter the code from your authenticator app.');
    await user.click(screen.getByTestId('org-delete-use-recovery'));
    await user.type(code, 'abcd-efgh');
    await user.click(screen.getByTestId('org-delete-confirm'));
    await vi.waitFor(() => expect(calls.of('schedule_org_deletion')).toHaveLength(1));
    expect(calls.of('schedule_org_deletion')[0]!.input).toEqual({ confirm_slug: 'acme', password: 'pw', code: null, recovery_code: 'abcd-efgh' });
  });

  it('offers an export first: Settings → Data', async () => {
    backend({ two_factor_status: () => ({ enabled: false, enabled_at: null, recovery_codes_left: 0 }), save_location: () => null });
    const user = userEvent.setup();
    await openDialog(user);
    await user.click(screen.getByTestId('org-delete-export-first'));
    expect(workspace.page).toBe('settings/data');
    await vi.waitFor(() => expect(screen.queryByTestId('org-delete-dialog')).toBeNull());
  });

  it('once scheduled, says until when and cancels', async () => {
    workspace.contexts = [scheduled];
    const calls = backend({ cancel_org_deletion: () => owner });
    const user = userEvent.setup();
    render(DangerZonePage, { props: { membership: scheduled } });
    expect(screen.getByTestId('danger-scheduled')).toHaveTextContent('Scheduled for deletion on');
    expect(screen.queryByTestId('danger-delete-open')).toBeNull();
    await user.click(screen.getByTestId('danger-cancel-deletion'));
    await vi.waitFor(() => expect(calls.of('cancel_org_deletion')).toEqual([{ orgId: 'o1' }]));
    expect(workspace.contexts[0]!.org.pending_deletion).toBeNull();
  });
});

describe('The pending-deletion banner', () => {
  it('tells a member the org is read-only until it goes, with no way to cancel', () => {
    backend({});
    render(PendingDeletionBanner, { props: { membership: membership(org({ ...acme, pending_deletion: pending }), 'member') } });
    const banner = screen.getByTestId('pending-deletion-banner');
    expect(banner).toHaveTextContent(/Scheduled for deletion on .*2026\. Read-only until then\./);
    expect(screen.queryByTestId('pending-deletion-cancel')).toBeNull();
  });

  it('lets the owner cancel, and says why when it cannot', async () => {
    backend({ cancel_org_deletion: () => fail({ code: 'server_unreachable', message: 'You are offline. Cancelling the deletion needs a connection to the server.' }) });
    const user = userEvent.setup();
    render(PendingDeletionBanner, { props: { membership: scheduled } });
    await user.click(screen.getByTestId('pending-deletion-cancel'));
    expect(await screen.findByRole('alert')).toHaveTextContent('You are offline');
  });

  it('is not there for an org that is not scheduled', () => {
    backend({});
    render(PendingDeletionBanner, { props: { membership: owner } });
    expect(screen.queryByTestId('pending-deletion-banner')).toBeNull();
  });
});

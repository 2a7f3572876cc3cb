import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import type { AccountEvent, AccountSession, TwoFactorStatus } from '../../lib/bindings';
import { workspace } from '../../lib/workspace.svelte';
import AccountPage from './AccountPage.svelte';
import { askToEnrol } from '.';

afterEach(() => {
  reset();
  workspace.phase = 'loading';
});

const me = {
  user: { id: 'u1', email: 'ana@example.com', display_name: 'Ana Lima', created_at: '2026-11-01T10:00:00Z' },
  personal_org_id: 'p1',
  session_expires_at: '2026-12-25T10:00:00Z',
  email_verified: true,
};
const o = org({ id: 'p1', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' });

function session(over: Partial<AccountSession> = {}): AccountSession {
  return {
    id: 's1',
    user_agent: 'orgdesk/0.1.0',
    ip: '127.0.0.1',
    created_at: '2026-11-25T10:00:00Z',
    last_seen_at: '2026-11-25T14:00:00Z',
    expires_at: '2026-12-25T10:00:00Z',
    current: true,
    ...over,
  };
}

const event: AccountEvent = {
  id: 'e1',
  event: 'sign_in_failed',
  ip: '203.0.113.9',
  user_agent: 'curl/8.5.0',
  details: {},
  created_at: '2026-11-25T13:00:00Z',
};
const off: TwoFactorStatus = { enabled: false, enabled_at: null, recovery_codes_left: 0 };
const CODES = Array.from({ length: 10 }, (_, i) => `abcd${i}-efgh${i}`);

function base(over: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  return {
    get_account: () => ({ me, pending_email: null }),
    two_factor_status: () => off,
    list_sessions: () => ({ items: [session({ id: 's2', current: false, user_agent: 'curl/8.5.0', ip: '10.0.0.7' }), session()] }),
    security_events: () => ({ items: [event], next_cursor: null }),
    ...over,
  };
}

function show() {
  render(AccountPage, { props: { membership: membership(o) } });
}

describe('AccountPage', () => {
  it('shows the profile, sessions with this one marked, and the security log', async () => {
    backend(base());
    show();
    expect(await screen.findByTestId('account-display-name')).toHaveValue('Ana Lima');
    expect(screen.getByTestId('account-email-current')).toHaveTextContent('ana@example.com');
    const rows = await screen.findAllByTestId('session-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId('session-current')).toHaveTextContent('This session');
    expect(within(rows[0]!).queryByTestId('session-revoke')).toBeNull();
    expect(rows[1]).toHaveTextContent('curl 8.5.0');
    expect(rows[1]).toHaveTextContent('10.0.0.7');
    const log = await screen.findByTestId('security-event');
    expect(log).toHaveTextContent('Sign-in failed');
    expect(log).toHaveTextContent('203.0.113.9');
    expect(screen.getByTestId('two-factor-off')).toBeInTheDocument();
  });

  it('shows a wrong current password on its field and keeps what was typed', async () => {
    const calls = backend(
      base({
        change_password: () => fail({ code: 'validation_failed', message: 'This is not your current password.', field: 'current_password' }),
      }),
    );
    const user = userEvent.setup();
    show();
    await user.type(await screen.findByTestId('account-current-password'), 'wrong one');
    await user.type(screen.getByTestId('account-new-password'), 'a brand new password');
    await user.type(screen.getByTestId('account-repeat-password'), 'a brand new password');
    await user.click(screen.getByTestId('account-password-save'));
    expect(await screen.findByTestId('field-error-current_password')).toHaveTextContent('not your current password');
    expect(screen.getByTestId('account-new-password')).toHaveValue('a brand new password');
    expect(calls.of('change_password')[0]).toEqual({
      input: { current_password: 'wrong one', new_password: 'a brand new password' },
    });
  });

  it('checks the new password twice before asking the server', async () => {
    const calls = backend(base({ change_password: () => null }));
    const user = userEvent.setup();
    show();
    await user.type(await screen.findByTestId('account-current-password'), 'old password');
    await user.type(screen.getByTestId('account-new-password'), 'a brand new password');
    await user.type(screen.getByTestId('account-repeat-password'), 'another one entirely');
    await user.click(screen.getByTestId('account-password-save'));
    expect(await screen.findByTestId('field-error-repeat_password')).toHaveTextContent('differ');
    expect(calls.of('change_password')).toHaveLength(0);
  });

  it('shows a change of email as pending until the new address confirms it', async () => {
    const calls = backend(
      base({
        change_email: () => ({ email: 'ana@new.example', requested_at: '2026-11-25T14:00:00Z', expires_at: '2026-11-26T14:00:00Z' }),
      }),
    );
    const user = userEvent.setup();
    show();
    await user.type(await screen.findByTestId('account-new-email'), 'ana@new.example');
    await user.type(screen.getByTestId('account-email-password'), 'my password');
    await user.click(screen.getByTestId('account-email-save'));
    const pending = await screen.findByTestId('account-email-pending');
    expect(pending).toHaveTextContent('ana@new.example');
    expect(pending).toHaveTextContent('stays ana@example.com');
    expect(calls.of('change_email')[0]).toEqual({ input: { new_email: 'ana@new.example', password: 'my password' } });
  });

  it('signs out one session, and everywhere else after a confirmation', async () => {
    let sessions = [session(), session({ id: 's2', current: false }), session({ id: 's3', current: false })];
    const calls = backend(
      base({
        list_sessions: () => ({ items: sessions }),
        revoke_session: (a) => {
          sessions = sessions.filter((s) => s.id !== a.sessionId);
          return null;
        },
        sign_out_other_sessions: () => {
          const revoked = sessions.filter((s) => !s.current).length;
          sessions = sessions.filter((s) => s.current);
          return { revoked };
        },
      }),
    );
    const user = userEvent.setup();
    show();
    const rows = await screen.findAllByTestId('session-row');
    expect(rows).toHaveLength(3);
    await user.click(within(rows[1]!).getByTestId('session-revoke'));
    await vi.waitFor(() => expect(screen.getAllByTestId('session-row')).toHaveLength(2));
    expect(calls.of('revoke_session')[0]).toEqual({ sessionId: 's2' });

    await user.click(screen.getByTestId('sessions-sign-out-others'));
    const dialog = await screen.findByTestId('sessions-sign-out-others-dialog');
    expect(dialog).toHaveTextContent('1 other session will end');
    await user.click(screen.getByTestId('sessions-sign-out-others-confirm'));
    await vi.waitFor(() => expect(screen.getAllByTestId('session-row')).toHaveLength(1));
    expect(calls.of('sign_out_other_sessions')).toHaveLength(1);
    expect(screen.getByTestId('sessions-sign-out-others')).toBeDisabled();
  });

  it('names the organizations that keep the account from being deleted', async () => {
    const calls = backend(
      base({
        delete_account: () =>
          fail({ code: 'owns_organizations', message: 'You own Acme and Globex. Transfer each to another member, or delete it, before deleting your account.' }),
      }),
    );
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('account-delete-open'));
    const confirm = await screen.findByTestId('account-delete-confirm');
    expect(confirm).toBeDisabled();
    await user.type(screen.getByTestId('account-delete-email'), 'ana@example.com');
    await user.type(screen.getByTestId('account-delete-password'), 'my password');
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    expect(await screen.findByTestId('account-delete-refused')).toHaveTextContent('You own Acme and Globex');
    expect(calls.of('delete_account')[0]).toEqual({ password: 'my password' });
    expect(calls.of('sign_out')).toHaveLength(0);
  });

  it('signs out once the account is deleted', async () => {
    const calls = backend(base({ delete_account: () => null, sign_out: () => null }));
    workspace.phase = 'signed-in';
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('account-delete-open'));
    await user.type(await screen.findByTestId('account-delete-email'), 'ANA@example.com');
    await user.type(screen.getByTestId('account-delete-password'), 'my password');
    await user.click(screen.getByTestId('account-delete-confirm'));
    await vi.waitFor(() => expect(workspace.phase).toBe('signed-out'));
    expect(calls.of('sign_out')).toHaveLength(1);
  });
});

describe('turning on two-factor sign-in', () => {
  const enrolment = { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_code: 'data:image/svg+xml;base64,PHN2Zy8+' };

  it('shows the QR code and the secret, confirms with a code, then the recovery codes once', async () => {
    let status = off;
    const calls = backend(
      base({
        two_factor_status: () => status,
        start_two_factor: () => enrolment,
        confirm_two_factor: (a) => {
          if (a.code !== '123456') fail({ code: 'invalid_two_factor_code', message: 'That code is not right.' });
          status = { enabled: true, enabled_at: '2026-11-25T14:00:00Z', recovery_codes_left: 10 };
          return { codes: CODES };
        },
        save_recovery_codes: () => ({ path: '/home/ana/orgdesk-recovery-codes.txt', bytes: 200, as_of: null }),
        forget_recovery_codes: () => null,
      }),
    );
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('two-factor-enable'));
    expect(await screen.findByTestId('two-factor-qr')).toHaveAttribute('src', enrolment.qr_code);
    expect(screen.getByTestId('two-factor-secret')).toHaveTextContent('JBSWY3DPEHPK3PXP');

    await user.type(screen.getByTestId('two-factor-confirm-code'), '12345');
    await user.click(screen.getByTestId('two-factor-confirm'));
    expect(await screen.findByTestId('field-error-two_factor_confirm_code')).toHaveTextContent('6 digits');
    await user.type(screen.getByTestId('two-factor-confirm-code'), '9');
    await user.click(screen.getByTestId('two-factor-confirm'));
    expect(await screen.findByTestId('field-error-two_factor_confirm_code')).toHaveTextContent('not right');
    await user.clear(screen.getByTestId('two-factor-confirm-code'));
    await user.type(screen.getByTestId('two-factor-confirm-code'), '123 456');
    await user.click(screen.getByTestId('two-factor-confirm'));

    const codes = await screen.findAllByTestId('recovery-code');
    expect(codes.map((c) => c.textContent)).toEqual(CODES);
    expect(screen.getByRole('list', { name: 'Recovery codes' })).toHaveFocus();
    await user.click(screen.getByTestId('recovery-codes-save'));
    expect(await screen.findByTestId('recovery-codes-saved')).toHaveTextContent('/home/ana/orgdesk-recovery-codes.txt');
    // The webview names a file, never a path, and never hands the codes back.
    expect(calls.of('save_recovery_codes')[0]).toEqual({ fileName: 'orgdesk-recovery-codes' });

    await user.click(screen.getByTestId('recovery-codes-done'));
    await vi.waitFor(() => expect(screen.queryByTestId('two-factor-dialog')).toBeNull());
    expect(calls.of('forget_recovery_codes')).toHaveLength(1);
    expect(await screen.findByTestId('two-factor-on')).toHaveTextContent(/^On since .*10 recovery codes left\.$/);
  });

  it('turns it off with a recovery code', async () => {
    let status: TwoFactorStatus = { enabled: true, enabled_at: '2026-11-25T14:00:00Z', recovery_codes_left: 2 };
    const calls = backend(
      base({
        two_factor_status: () => status,
        disable_two_factor: () => {
          status = off;
          return null;
        },
      }),
    );
    const user = userEvent.setup();
    show();
    expect(await screen.findByTestId('two-factor-on')).toHaveTextContent('make new ones before you run out');
    await user.click(screen.getByTestId('two-factor-disable'));
    await screen.findByTestId('two-factor-disable-dialog');
    await user.click(screen.getByText('Use a recovery code instead'));
    await user.type(screen.getByTestId('two-factor-disable-dialog-code'), 'abcde-fghij');
    await user.click(screen.getByTestId('two-factor-disable-dialog-submit'));
    expect(await screen.findByTestId('two-factor-off')).toBeInTheDocument();
    expect(calls.of('disable_two_factor')[0]).toEqual({ proof: { code: null, recovery_code: 'abcde-fghij' } });
  });

  it('makes new recovery codes with a code from the app and shows them once', async () => {
    const calls = backend(
      base({
        two_factor_status: () => ({ enabled: true, enabled_at: '2026-11-25T14:00:00Z', recovery_codes_left: 7 }),
        regenerate_recovery_codes: () => ({ codes: CODES }),
        forget_recovery_codes: () => null,
      }),
    );
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByTestId('two-factor-regenerate'));
    await user.type(await screen.findByTestId('two-factor-regenerate-dialog-code'), '654321');
    await user.click(screen.getByTestId('two-factor-regenerate-dialog-submit'));
    expect(await screen.findAllByTestId('recovery-code')).toHaveLength(10);
    expect(screen.getByTestId('two-factor-regenerate-dialog')).toHaveTextContent('no longer work');
    expect(calls.of('regenerate_recovery_codes')[0]).toEqual({ proof: { code: '654321', recovery_code: null } });
    await user.click(screen.getByTestId('recovery-codes-done'));
    await vi.waitFor(() => expect(calls.of('forget_recovery_codes')).toHaveLength(1));
    expect(screen.queryByTestId('recovery-code')).toBeNull();
  });

  it('opens the enrolment when another screen sent the person here to turn it on', async () => {
    backend(base({ start_two_factor: () => enrolment }));
    askToEnrol();
    show();
    expect(await screen.findByTestId('two-factor-qr')).toBeInTheDocument();
  });
});

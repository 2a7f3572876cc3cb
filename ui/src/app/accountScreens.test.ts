// The shell's account states: an org that requires two-factor sign-in, the reminder to
// confirm the email, and the account's mailed links (verify, reset the password).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { emit } from '@tauri-apps/api/event';
import { backend, fail, membership, org, reset } from '../test/ipc';
import { overviewOf, shellHandlers } from '../test/shell';
import type { DeepLink, Me, SessionInfo } from '../lib/bindings';
import { accountLinks } from '../lib/accountLinks.svelte';
import { workspace } from '../lib/workspace.svelte';
import { toasts } from '../lib/toast.svelte';
import App from './App.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const acme = membership(org({ id: 'a', name: 'Acme Studio', slug: 'acme' }), 'member');
const me = (verified: boolean): Me => ({
  user: { id: 'u', email: 'ana@example.com', display_name: 'Ana Lima', created_at: '' },
  personal_org_id: 'p',
  session_expires_at: '',
  email_verified: verified,
});
const session = (verified = true): SessionInfo => ({
  me: me(verified),
  server: { kind: 'embedded' },
  token_storage: { kind: 'keychain' },
  location: { org_id: 'a', page: 'overview' },
});
function app(over: Record<string, (a: Record<string, unknown>) => unknown> = {}, opts: { verified?: boolean; signedIn?: boolean; links?: DeepLink[] } = {}) {
  const links = opts.links ?? [];
  return backend(
    {
      restore_session: () => ({
        session: opts.signedIn === false ? null : session(opts.verified ?? true),
        hint: { server_url: null, email: 'ana@example.com' },
        notice: null,
      }),
      ...shellHandlers([personal, acme]),
      take_deep_link: () => links.shift() ?? null,
      take_account_link: () => (links[0]?.kind === 'verify_email' || links[0]?.kind === 'reset_password' ? links.shift()! : null),
      ...over,
    },
    { events: true },
  );
}

beforeEach(() => {
  workspace.phase = 'loading';
  workspace.contexts = [];
  workspace.currentId = null;
  accountLinks.resetToken = null;
  accountLinks.serverUrl = null;
  toasts.splice(0);
});
afterEach(() => {
  cleanup();
  reset();
});

describe('an org requiring two-factor sign-in', () => {
  it('shows why in place of its pages, leads to my account, and opens once I have enrolled', async () => {
    let enrolled = false;
    app({
      get_overview: (a) => {
        if (a.orgId === 'a' && !enrolled) fail({ code: 'mfa_required_by_org', message: 'This organization requires two-factor sign-in.' });
        return overviewOf(a.orgId === 'a' ? acme : personal);
      },
      get_account: () => ({ me: me(true), pending_email: null }),
      two_factor_status: () => ({ enabled: false, enabled_at: null, recovery_codes_left: 0 }),
      start_two_factor: () => ({ secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_code: 'data:image/svg+xml;base64,PHN2Zy8+' }),
      list_sessions: () => ({ items: [] }),
      security_events: () => ({ items: [], next_cursor: null }),
    });
    const user = userEvent.setup();
    render(App);

    const gate = await screen.findByTestId('mfa-required-by-org');
    expect(gate).toHaveTextContent('Acme Studio requires two-factor sign-in');
    expect(screen.queryByTestId('page-overview')).toBeNull();
    await user.click(within(gate).getByTestId('mfa-required-enrol'));
    // To my own Account page, in my personal context, with the enrolment open.
    await vi.waitFor(() => expect(workspace.currentId).toBe('p'));
    expect(await screen.findByTestId('page-account')).toBeInTheDocument();
    expect(await screen.findByTestId('two-factor-dialog')).toBeInTheDocument();
    expect(screen.queryByTestId('mfa-required-by-org')).toBeNull();

    // Enrolled (elsewhere): coming back asks again, and the org opens.
    enrolled = true;
    workspace.go('a', 'overview');
    await vi.waitFor(() => expect(screen.getByTestId('overview-name')).toHaveTextContent('Acme Studio'));
    expect(screen.queryByTestId('mfa-required-by-org')).toBeNull();
  });
});

describe('confirming the email', () => {
  it('reminds me with my address, resends, and says how long to wait when asked too often', async () => {
    let sends = 0;
    const calls = app(
      {
        resend_verification: () => {
          sends += 1;
          if (sends > 1) fail({ code: 'rate_limited', message: 'Too many attempts. Try again in 42 minutes.' });
          return null;
        },
      },
      { verified: false },
    );
    const user = userEvent.setup();
    render(App);
    const banner = await screen.findByTestId('verify-email-banner');
    expect(banner).toHaveTextContent('Confirm your email address — we sent a link to ana@example.com');
    await user.click(within(banner).getByTestId('verify-email-resend'));
    expect(await within(banner).findByTestId('verify-email-sent')).toBeInTheDocument();
    expect(calls.of('resend_verification')).toHaveLength(1);
    await user.click(within(banner).getByTestId('verify-email-resend'));
    expect(await within(banner).findByTestId('verify-email-error')).toHaveTextContent('Try again in 42 minutes');
  });

  it('follows the verification link: the reminder goes and invitations are read again', async () => {
    const links: DeepLink[] = [];
    const calls = app(
      { verify_email: () => ({ verified: { email: 'ana@example.com', changed: false }, me: me(true) }) },
      { verified: false, links },
    );
    render(App);
    await screen.findByTestId('verify-email-banner');
    const before = calls.of('my_invitations').length;
    links.push({ kind: 'verify_email', token: 'vtok' });
    await emit('deep-link-arrived', null);
    await vi.waitFor(() => expect(screen.queryByTestId('verify-email-banner')).toBeNull());
    expect(calls.of('verify_email')[0]).toEqual({ token: 'vtok', serverUrl: null });
    expect(calls.of('my_invitations').length).toBeGreaterThan(before);
    expect(toasts.map((t) => t.message)).toContain('Thank you: ana@example.com is confirmed.');
  });
});

describe('forgotten passwords', () => {
  it('asks for a reset link without saying whether the account exists', async () => {
    const calls = app({ request_password_reset: () => null }, { signedIn: false });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('auth-screen');
    await user.click(screen.getByTestId('forgot-password-open'));
    const dialog = await screen.findByTestId('forgot-password-dialog');
    expect(within(dialog).getByLabelText('Email')).toHaveValue('ana@example.com');
    await user.click(within(dialog).getByTestId('forgot-password-submit'));
    expect(await within(dialog).findByTestId('forgot-password-sent')).toHaveTextContent(
      'If an Orgdesk account uses ana@example.com, we have sent it a link',
    );
    expect(calls.of('request_password_reset')[0]).toEqual({ serverUrl: null, email: 'ana@example.com' });
  });

  it('opens the reset link signed out and sets the new password', async () => {
    const calls = app({ reset_password: () => null }, { signedIn: false, links: [{ kind: 'reset_password', token: 'rtok' }] });
    const user = userEvent.setup();
    render(App);
    const dialog = await screen.findByTestId('reset-password-dialog');
    await user.type(within(dialog).getByLabelText('New password'), 'a new passphrase');
    await user.type(within(dialog).getByLabelText('Repeat it'), 'a new passphrase!');
    await user.click(within(dialog).getByTestId('reset-password-submit'));
    expect(await within(dialog).findByTestId('field-error-repeat')).toHaveTextContent('The two passwords differ.');
    await user.type(within(dialog).getByLabelText('Repeat it'), '{Backspace}');
    await user.click(within(dialog).getByTestId('reset-password-submit'));
    expect(await within(dialog).findByTestId('reset-password-changed')).toBeInTheDocument();
    expect(calls.of('reset_password')[0]).toEqual({
      input: { server_url: null, token: 'rtok', new_password: 'a new passphrase' },
    });
  });
});

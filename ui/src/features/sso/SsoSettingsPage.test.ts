import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import type { OrgDomain, SsoConnection, SsoSettings } from '../../lib/bindings';
import { toasts } from '../../lib/toast.svelte';
import SsoSettingsPage from './SsoSettingsPage.svelte';

afterEach(() => {
  cleanup();
  reset();
  toasts.splice(0);
});

const REDIRECT = 'http://127.0.0.1:8787/v1/auth/sso/callback';
const acme = org({ id: 'o1', slug: 'acme', name: 'Acme' });

function connection(over: Partial<SsoConnection> = {}): SsoConnection {
  return {
    issuer: 'https://login.acme.test',
    client_id: 'orgdesk',
    client_secret_set: true,
    allowed_domains: ['acme.test'],
    default_role: 'member',
    default_project_scope: { kind: 'all' },
    require_sso: false,
    create_members: true,
    updated_at: '2026-12-01T10:00:00Z',
    ...over,
  };
}

function domain(over: Partial<OrgDomain> = {}): OrgDomain {
  return {
    domain: 'acme.test',
    record_name: '_orgdesk.acme.test',
    record_value: 'orgdesk-verification=abc123',
    verified_at: null,
    checked_at: null,
    created_at: '2026-12-01T10:00:00Z',
    ...over,
  };
}

function page() {
  return render(SsoSettingsPage, { props: { membership: membership(acme, 'owner') } });
}

describe('Settings → Single sign-on', () => {
  it('sets a connection up: the redirect URI to copy, the form, a server field error inline, then saved', async () => {
    let attempts = 0;
    const saved: SsoSettings = { connection: connection({ require_sso: true }), redirect_uri: REDIRECT };
    const calls = backend({
      get_sso_settings: () => ({ connection: null, redirect_uri: REDIRECT }),
      list_domains: () => ({ items: [] }),
      list_projects: () => [],
      save_sso: () =>
        ++attempts === 1
          ? fail({ code: 'sso_discovery_failed', message: 'The issuer’s discovery document could not be read.', field: 'issuer' })
          : saved,
    });
    const user = userEvent.setup();
    page();

    expect(await screen.findByTestId('sso-redirect-uri')).toHaveTextContent(REDIRECT);
    await user.click(screen.getByTestId('sso-save'));
    expect(screen.getByTestId('field-error-issuer')).toHaveTextContent('Enter the issuer URL');
    expect(screen.getByTestId('field-error-client_secret')).toBeInTheDocument();
    expect(calls.of('save_sso')).toHaveLength(0);

    await user.type(screen.getByLabelText('Issuer URL'), 'https://login.acme.tset');
    await user.type(screen.getByLabelText('Client ID'), 'orgdesk');
    await user.type(screen.getByLabelText('Client secret'), 's3cret');
    await user.type(screen.getByLabelText('Allowed email domains'), 'Acme.test, acme.co.uk');
    await user.click(screen.getByTestId('sso-create-members'));
    await user.click(screen.getByTestId('sso-require'));
    await user.click(screen.getByTestId('sso-save'));
    expect(await screen.findByTestId('field-error-issuer')).toHaveTextContent('discovery document could not be read');
    expect(screen.getByLabelText('Client secret')).toHaveValue('s3cret');

    await user.clear(screen.getByLabelText('Issuer URL'));
    await user.type(screen.getByLabelText('Issuer URL'), 'https://login.acme.test');
    await user.click(screen.getByTestId('sso-save'));
    await vi.waitFor(() => expect(calls.of('save_sso')).toHaveLength(2));
    expect(calls.of('save_sso')[1]).toEqual({
      orgId: 'o1',
      input: {
        issuer: 'https://login.acme.test',
        client_id: 'orgdesk',
        client_secret: 's3cret',
        allowed_domains: ['acme.test', 'acme.co.uk'],
        default_role: 'member',
        default_project_scope: { kind: 'all' },
        require_sso: true,
        create_members: true,
      },
    });
    expect(await screen.findByText(/Saved/)).toBeInTheDocument();
    expect(screen.getByLabelText('Client secret')).toHaveValue('');
    expect(screen.getByText(/Stored, sealed/)).toBeInTheDocument();
    expect(toasts.map((t) => t.message)).toContain('Single sign-on saved.');
  });

  it('keeps the stored secret when it is left blank, and tests the connection in the browser', async () => {
    const calls = backend({
      get_sso_settings: () => ({ connection: connection(), redirect_uri: REDIRECT }),
      list_domains: () => ({ items: [] }),
      list_projects: () => [],
      save_sso: () => ({ connection: connection({ client_id: 'orgdesk-2' }), redirect_uri: REDIRECT }),
      test_sso: () => ({ subject: 'sub-42', email: 'bo@acme.test', email_verified: true, name: 'Bo Diaz' }),
    });
    const user = userEvent.setup();
    page();
    const clientId = await screen.findByLabelText('Client ID');
    await user.clear(clientId);
    await user.type(clientId, 'orgdesk-2');
    expect(screen.getByTestId('sso-test-run')).toBeDisabled();
    await user.click(screen.getByTestId('sso-save'));
    await vi.waitFor(() => expect(calls.of('save_sso')).toHaveLength(1));
    expect(calls.of('save_sso')[0]?.input).toMatchObject({ client_id: 'orgdesk-2', client_secret: null });

    await user.click(await screen.findByTestId('sso-test-run'));
    expect(await screen.findByTestId('sso-test-result')).toHaveTextContent('The provider signed in Bo Diaz (bo@acme.test), email verified');
    expect(screen.getByTestId('sso-test-result')).toHaveTextContent('sub-42');
  });

  it('claims a domain, shows its TXT record to copy, says why verifying failed, then verifies it', async () => {
    let verifies = 0;
    const calls = backend({
      get_sso_settings: () => ({ connection: null, redirect_uri: REDIRECT }),
      list_domains: () => ({ items: [] }),
      list_projects: () => [],
      claim_domain: () => domain(),
      verify_domain: () =>
        ++verifies === 1
          ? fail({ code: 'domain_not_verified', message: 'No TXT record at _orgdesk.acme.test holds the token yet.' })
          : domain({ verified_at: '2026-12-01T11:00:00Z', checked_at: '2026-12-01T11:00:00Z' }),
      remove_domain: () => null,
    });
    const user = userEvent.setup();
    page();
    expect(await screen.findByTestId('sso-domains-empty')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Claim a domain'), 'acme.test{Enter}');
    const row = await screen.findByTestId('sso-domain');
    expect(calls.of('claim_domain')[0]).toEqual({ orgId: 'o1', domain: 'acme.test' });
    expect(within(row).getByTestId('sso-domain-badge')).toHaveTextContent('Not verified');
    expect(within(row).getByTestId('sso-domain-record-name')).toHaveTextContent('_orgdesk.acme.test');
    expect(within(row).getByTestId('sso-domain-record-value')).toHaveTextContent('orgdesk-verification=abc123');

    await user.click(within(row).getByTestId('sso-domain-verify'));
    expect(await within(row).findByTestId('sso-domain-error')).toHaveTextContent('No TXT record');
    expect(within(row).getByText(/Last checked/)).toBeInTheDocument();
    await user.click(within(row).getByTestId('sso-domain-verify'));
    await vi.waitFor(() => expect(within(row).getByTestId('sso-domain-badge')).toHaveTextContent('Verified'));
    expect(within(row).queryByTestId('sso-domain-error')).toBeNull();
    expect(within(row).queryByTestId('sso-domain-record-value')).toBeNull();

    await user.click(within(row).getByTestId('sso-domain-remove'));
    await user.click(await screen.findByTestId('sso-domain-remove-confirm'));
    await vi.waitFor(() => expect(screen.queryByTestId('sso-domain')).toBeNull());
    expect(calls.of('remove_domain')[0]).toEqual({ orgId: 'o1', domain: 'acme.test' });
  });
});

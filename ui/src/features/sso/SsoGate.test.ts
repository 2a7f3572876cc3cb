import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import type { SessionInfo } from '../../lib/bindings';
import { callOrg } from '../../lib/access';
import { commands } from '../../lib/bindings';
import { orgGate } from '../../lib/orgGate.svelte';
import { workspace } from '../../lib/workspace.svelte';
import SsoGateHarness from './SsoGateHarness.svelte';

afterEach(() => {
  cleanup();
  reset();
  orgGate.clear();
});

const acme = org({ id: 'o-acme', slug: 'acme', name: 'Acme' });
const session: SessionInfo = {
  me: {
    user: { id: 'u1', email: 'bo@acme.test', display_name: 'Bo', created_at: '2026-11-25T10:00:00Z' },
    personal_org_id: 'p1',
    session_expires_at: '2026-12-25T10:00:00Z',
    email_verified: true,
  },
  server: { kind: 'remote', url: 'http://s' },
  token_storage: { kind: 'keychain' },
  location: { org_id: 'o-acme', page: 'overview' },
};

describe('SsoGate', () => {
  it('puts an org that answers sso_required behind "Continue with <org> SSO", and opens it once signed in', async () => {
    const calls = backend({
      get_overview: () => fail({ code: 'sso_required', message: 'This organization requires its single sign-on.' }),
      sign_in_to_org_with_sso: () => session,
      list_contexts: () => [membership(acme, 'member')],
      save_location: () => null,
    });
    const user = userEvent.setup();
    render(SsoGateHarness, { props: { membership: membership(acme, 'member') } });
    expect(screen.getByTestId('gated-page')).toBeInTheDocument();

    await expect(callOrg('o-acme', commands.getOverview('o-acme'))).rejects.toThrow('requires its single sign-on');
    const gate = await screen.findByTestId('sso-required');
    expect(gate).toHaveTextContent('Acme requires single sign-on');
    expect(screen.queryByTestId('gated-page')).toBeNull();
    expect(orgGate.isRefused('o-acme', 'mfa')).toBe(false);

    await user.click(screen.getByRole('button', { name: /Continue with Acme SSO/ }));
    expect(calls.of('sign_in_to_org_with_sso')[0]).toEqual({ org: 'acme' });
    await vi.waitFor(() => expect(screen.getByTestId('gated-page')).toBeInTheDocument());
    expect(workspace.currentId).toBe('o-acme');
  });

  it('stands in front of an org the contexts already mark as requiring its SSO', () => {
    backend({});
    render(SsoGateHarness, { props: { membership: { ...membership(acme, 'member'), sso_required: true } } });
    expect(screen.getByTestId('sso-required')).toHaveTextContent('Continue with Acme SSO');
    expect(screen.queryByTestId('gated-page')).toBeNull();
  });

  it('says why the provider refused, and stays', async () => {
    backend({
      sign_in_to_org_with_sso: () => fail({ code: 'sso_failed', message: 'The provider did not verify this email.' }),
    });
    orgGate.refuse('o-acme', 'sso');
    const user = userEvent.setup();
    render(SsoGateHarness, { props: { membership: membership(acme, 'member') } });
    await user.click(screen.getByTestId('sso-required-continue'));
    expect(await screen.findByTestId('sso-required-error')).toHaveTextContent('did not verify this email');
    expect(screen.getByTestId('sso-required')).toBeInTheDocument();
  });
});

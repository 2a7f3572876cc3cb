import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import type { OrgSecurityPolicy } from '../../lib/bindings';
import { toasts } from '../../lib/toast.svelte';
import SecuritySettings from './SecuritySettings.svelte';

afterEach(() => {
  cleanup();
  reset();
  toasts.splice(0);
});

function policy(over: Partial<OrgSecurityPolicy> = {}): OrgSecurityPolicy {
  return {
    require_two_factor: false,
    session_idle_timeout_minutes: null,
    min_password_length: 10,
    members_without_two_factor: 3,
    updated_at: null,
    ...over,
  };
}

function page(id: string) {
  return render(SecuritySettings, { props: { membership: membership(org({ id, name: 'Acme' }), 'owner') } });
}

describe('SecuritySettings', () => {
  it('shows the policy, checks the bounds as you type, and saves it whole', async () => {
    const saved = policy({ require_two_factor: true, session_idle_timeout_minutes: 90, min_password_length: 14, updated_at: '2026-12-01T10:00:00Z' });
    const calls = backend({ get_org_security: () => policy(), update_org_security: () => saved });
    const user = userEvent.setup();
    page('s1');

    expect(await screen.findByTestId('security-members-without')).toHaveTextContent('3 members have not turned on two-factor');
    expect(screen.getByTestId('security-save')).toBeDisabled();
    await user.click(screen.getByTestId('security-require-two-factor'));
    expect(screen.getByTestId('security-members-without')).toHaveTextContent('they will be asked to');
    await user.click(screen.getByTestId('security-idle-limited'));
    const idle = screen.getByLabelText('Minutes without use');
    await user.clear(idle);
    await user.type(idle, '2');
    expect(screen.getByTestId('field-error-session_idle_timeout_minutes')).toHaveTextContent('Use 5 to 43,200 minutes');
    expect(screen.getByTestId('security-save')).toBeDisabled();
    await user.type(idle, '0');
    await user.clear(idle);
    await user.type(idle, '90');
    expect(screen.queryByTestId('field-error-session_idle_timeout_minutes')).toBeNull();
    expect(screen.getByText(/1 hour 30 minutes/)).toBeInTheDocument();
    const min = screen.getByLabelText('Minimum length');
    await user.clear(min);
    await user.type(min, '14');
    expect(screen.getByText('You have unsaved changes.')).toBeInTheDocument();
    await user.click(screen.getByTestId('security-save'));

    await vi.waitFor(() => expect(calls.of('update_org_security')).toHaveLength(1));
    expect(calls.of('update_org_security')[0]).toEqual({
      orgId: 's1',
      input: { require_two_factor: true, session_idle_timeout_minutes: 90, min_password_length: 14 },
    });
    expect(await screen.findByText(/Last changed/)).toBeInTheDocument();
    expect(toasts.map((t) => t.message)).toContain('Security settings saved.');
  });

  it('keeps unsaved input when the page is left and opened again; Discard drops it', async () => {
    backend({ get_org_security: () => policy() });
    const user = userEvent.setup();
    const first = page('s2');
    const min = await screen.findByLabelText('Minimum length');
    await user.clear(min);
    await user.type(min, '20');
    first.unmount();

    page('s2');
    expect(await screen.findByLabelText('Minimum length')).toHaveValue(20);
    expect(screen.getByText('You have unsaved changes.')).toBeInTheDocument();
    await user.click(screen.getByTestId('security-discard'));
    expect(screen.getByLabelText('Minimum length')).toHaveValue(10);
  });

  it('asks for two-factor on my own account first, and leads there', async () => {
    backend({
      get_org_security: () => policy(),
      update_org_security: () =>
        fail({ code: 'invalid_state', message: 'Turn on two-factor sign-in for your own account before requiring it of everyone.' }),
      save_location: () => null,
    });
    const user = userEvent.setup();
    page('s3');
    await user.click(await screen.findByTestId('security-require-two-factor'));
    await user.click(screen.getByTestId('security-save'));
    expect(await screen.findByTestId('security-own-two-factor')).toHaveTextContent('your own account first');
    expect(screen.getByTestId('security-go-to-account')).toBeInTheDocument();
  });

  it('shows a change saved meanwhile before saving over it', async () => {
    let reads = 0;
    const theirs = policy({ min_password_length: 16, updated_at: '2026-12-02T09:00:00Z' });
    const calls = backend({
      get_org_security: () => (++reads === 1 ? policy() : theirs),
      update_org_security: () => ({ ...theirs, require_two_factor: true, updated_at: '2026-12-02T09:05:00Z' }),
    });
    const user = userEvent.setup();
    page('s4');
    await user.click(await screen.findByTestId('security-require-two-factor'));
    await user.click(screen.getByTestId('security-save'));
    const conflict = await screen.findByTestId('security-conflict');
    expect(conflict).toHaveTextContent('passwords of 16+ characters');
    expect(calls.of('update_org_security')).toHaveLength(0);
    await user.click(screen.getByTestId('security-keep-mine'));
    await vi.waitFor(() => expect(calls.of('update_org_security')).toHaveLength(1));
    expect(calls.of('update_org_security')[0]!.input).toEqual({
      require_two_factor: true,
      session_idle_timeout_minutes: null,
      min_password_length: 10,
    });
  });

  it('says offline that the settings need the server', async () => {
    backend({
      get_org_security: () =>
        fail({ code: 'server_unreachable', message: 'You are offline. Security settings needs a connection to the server; try again when you are back online.' }),
    });
    page('s5');
    expect(await screen.findByTestId('security-load-error')).toHaveTextContent('You are offline. Security settings needs a connection');
  });
});

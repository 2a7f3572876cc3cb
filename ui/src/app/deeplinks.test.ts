import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { emit } from '@tauri-apps/api/event';
import { backend, fail, membership, org, reset } from '../test/ipc';
import { overviewOf, shellHandlers } from '../test/shell';
import type { DeepLink, SessionInfo } from '../lib/bindings';
import { workspace } from '../lib/workspace.svelte';
import { toasts } from '../lib/toast.svelte';
import { links } from './deeplinks.svelte';
import App from './App.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const acme = membership(org({ id: 'a', name: 'Acme Studio', slug: 'acme' }), 'admin');
const session: SessionInfo = {
  me: { user: { id: 'u', email: 'ana@example.com', display_name: 'Ana Lima', created_at: '' }, personal_org_id: 'p', session_expires_at: '', email_verified: true },
  server: { kind: 'embedded' },
  token_storage: { kind: 'keychain' },
  location: null,
};
const preview = {
  id: 'inv1',
  org: { id: 'g', name: 'Globex', slug: 'globex', logo: null },
  email: 'ana@example.com',
  role: 'member',
  invited_by: 'Lee Park',
  expires_at: '2099-01-01T00:00:00Z',
};

function app(pending: DeepLink[], over: Record<string, (a: Record<string, unknown>) => unknown> = {}, signedIn = true) {
  return backend(
    {
      restore_session: () => ({ session: signedIn ? session : null, hint: { server_url: null, email: null }, notice: null }),
      ...shellHandlers([personal, acme]),
      get_overview: (a) => ({ ...overviewOf(a.orgId === 'a' ? acme : personal), role: 'owner' }),
      take_deep_link: () => pending.shift() ?? null,
      ...over,
    },
    { events: true },
  );
}

beforeEach(() => {
  workspace.phase = 'loading';
  workspace.contexts = [];
  workspace.currentId = null;
  links.invite = null;
  toasts.splice(0);
});
// Unmount (which stops listening for links) before the IPC mock goes away.
afterEach(() => {
  cleanup();
  reset();
});

describe('deep links', () => {
  it('opens an org page by a current or former slug', async () => {
    const calls = app([{ kind: 'org', slug: 'acme-old', page: 'projects' }], { resolve_org: () => acme });
    render(App);
    await vi.waitFor(() => expect(workspace.currentId).toBe('a'));
    expect(calls.of('resolve_org')[0]).toEqual({ slug: 'acme-old' });
    expect(workspace.page).toBe('projects');
    expect(await screen.findByTestId('page-projects')).toBeInTheDocument();
  });

  it('opens the overview for a page the registry does not offer this membership', async () => {
    const globex = membership(org({ id: 'g', name: 'Globex', slug: 'globex' }), 'member');
    app([{ kind: 'org', slug: 'globex', page: 'settings/audit-log' }], {
      resolve_org: () => globex,
      list_contexts: () => [personal, acme, globex],
    });
    render(App);
    await vi.waitFor(() => expect(workspace.currentId).toBe('g'));
    expect(await screen.findByTestId('page-overview')).toBeInTheDocument();
    expect(screen.getByLabelText('You are in')).toHaveTextContent('Globex/Overview');
    expect(screen.queryByTestId('nav-settings-audit-log')).toBeNull();
  });

  it('titles a settings page under its section', async () => {
    app([{ kind: 'org', slug: 'acme', page: 'settings/general' }], { resolve_org: () => acme });
    render(App);
    expect(await screen.findByTestId('page-settings-general')).toBeInTheDocument();
    expect(screen.getByLabelText('You are in')).toHaveTextContent('Acme Studio/Settings · General');
    expect(screen.getByTestId('nav-settings-general')).toHaveAttribute('aria-current', 'page');
  });

  it('opens an org that requires two-factor sign-in on the screen that says so', async () => {
    const refuse = () => fail({ code: 'mfa_required_by_org', message: 'This organization requires two-factor sign-in.' });
    app([{ kind: 'org', slug: 'acme', page: 'projects' }], {
      resolve_org: refuse,
      list_projects: (a) => (a.orgId === 'a' ? refuse() : []),
    });
    render(App);
    await vi.waitFor(() => expect(workspace.currentId).toBe('a'));
    expect(await screen.findByTestId('mfa-required-by-org')).toHaveTextContent('Acme Studio requires two-factor sign-in');
    expect(toasts).toHaveLength(0);
  });

  it('says so when the org is not one of mine', async () => {
    app([{ kind: 'org', slug: 'initech', page: 'overview' }], {
      resolve_org: () => fail({ code: 'not_found', message: 'Not found' }),
    });
    render(App);
    await vi.waitFor(() => expect(toasts.map((t) => t.message)).toContain("You don't have access to initech."));
    expect(workspace.currentId).toBe('p');
  });

  it('shows an invitation link and joins on accept, also when it arrives later', async () => {
    const pending: DeepLink[] = [];
    const globex = membership(org({ id: 'g', name: 'Globex', slug: 'globex' }), 'member');
    const calls = app(pending, { preview_invitation: () => preview, accept_invitation: () => globex });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('app-shell');
    pending.push({ kind: 'invite', token: 'tok123' });
    await emit('deep-link-arrived', null);

    const dialog = await screen.findByTestId('invite-link-dialog');
    expect(await within(dialog).findByTestId('invite-link-org')).toHaveTextContent('Globex');
    expect(dialog).toHaveTextContent('Lee Park');
    expect(calls.of('preview_invitation')[0]).toEqual({ token: 'tok123' });
    await user.click(within(dialog).getByTestId('invite-link-accept'));
    expect(calls.of('accept_invitation')[0]).toEqual({ tokenOrId: 'tok123' });
    await vi.waitFor(() => expect(workspace.currentId).toBe('g'));
    await vi.waitFor(() => expect(screen.queryByTestId('invite-link-dialog')).toBeNull());
  });

  it('explains an invitation for another account and does not offer to accept it', async () => {
    app([{ kind: 'invite', token: 'tok' }], { preview_invitation: () => ({ ...preview, email: 'someone@else.org' }) });
    render(App);
    const dialog = await screen.findByTestId('invite-link-dialog');
    expect(await within(dialog).findByTestId('invite-link-other-account')).toHaveTextContent('someone@else.org');
    expect(within(dialog).getByTestId('invite-link-accept')).toBeDisabled();
  });

  it('explains an expired invitation', async () => {
    app([{ kind: 'invite', token: 'tok' }], {
      preview_invitation: () => fail({ code: 'invitation_expired', message: 'This invitation has expired.' }),
    });
    render(App);
    expect(await screen.findByTestId('invite-link-error')).toHaveTextContent('Ask for a new one');
  });

  it('keeps a link while signed out and opens it after sign-in', async () => {
    const calls = app([{ kind: 'org', slug: 'acme', page: 'overview' }], { resolve_org: () => acme }, false);
    render(App);
    await screen.findByTestId('auth-screen');
    await emit('deep-link-arrived', null);
    expect(calls.of('take_deep_link')).toHaveLength(0);
    await workspace.enter(session);
    await vi.waitFor(() => expect(workspace.currentId).toBe('a'));
    expect(calls.of('take_deep_link').length).toBeGreaterThan(0);
  });
});

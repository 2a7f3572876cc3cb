import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset } from '../test/ipc';
import { navTestId, pageAllowed, pages, pageTitle } from '../lib/pages';
import { workspace } from '../lib/workspace.svelte';
import { received } from '../lib/invitations.svelte';
import Sidebar from './Sidebar.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const asAdmin = membership(org({ id: 'a', name: 'Acme', slug: 'acme' }), 'admin');
const asMember = membership(org({ id: 'g', name: 'Globex', slug: 'globex' }), 'member');
const asOwner = membership(org({ id: 'o', name: 'Initech', slug: 'initech' }), 'owner');

beforeEach(() => {
  backend({ my_invitations: () => [], save_location: () => null });
  received.clear();
  workspace.contexts = [personal, asAdmin, asMember, asOwner];
});
afterEach(reset);

const ids = () => screen.getAllByRole('button').map((b) => b.dataset.testid).filter((t) => t?.startsWith('nav-'));

describe('Sidebar', () => {
  it('shows every page but the Danger zone to an admin of an organization', () => {
    workspace.currentId = 'a';
    render(Sidebar);
    expect(ids()).toEqual([
      'nav-overview',
      'nav-projects',
      'nav-members',
      'nav-billing',
      'nav-settings-general',
      'nav-settings-audit-log',
      'nav-settings-api-keys',
      'nav-settings-webhooks',
      'nav-settings-security',
      'nav-settings-sso',
      'nav-settings-data',
      'nav-account',
    ]);
  });

  it('shows the owner the Danger zone, never in Personal', () => {
    workspace.currentId = 'o';
    render(Sidebar);
    expect(ids()).toContain('nav-settings-danger-zone');
    cleanup();
    workspace.currentId = 'p';
    render(Sidebar);
    expect(ids()).toContain('nav-settings-data');
    expect(ids()).not.toContain('nav-settings-danger-zone');
  });

  it('hides billing, the audit log and webhooks from members, but not their API keys', () => {
    workspace.currentId = 'g';
    render(Sidebar);
    expect(ids()).toEqual([
      'nav-overview',
      'nav-projects',
      'nav-members',
      'nav-settings-general',
      'nav-settings-api-keys',
      'nav-account',
    ]);
  });

  it('has no Members page in Personal', () => {
    workspace.currentId = 'p';
    render(Sidebar);
    expect(ids()).not.toContain('nav-members');
    expect(ids()).toContain('nav-projects');
    expect(ids()).toContain('nav-billing');
    expect(ids()).toContain('nav-settings-api-keys');
  });

  it('never shows Billing to a member, even when it was their last page', () => {
    workspace.currentId = 'g';
    workspace.page = 'billing';
    render(Sidebar);
    expect(pageAllowed(asMember, 'billing')).toBe(false);
    expect(pageAllowed(asAdmin, 'billing')).toBe(true);
    expect(pageAllowed(asMember, 'settings/webhooks')).toBe(false);
    expect(pageAllowed(asAdmin, 'settings/webhooks')).toBe(true);
    expect(screen.queryByTestId('nav-billing')).toBeNull();
    expect(screen.getByTestId('nav-overview')).toHaveAttribute('aria-current', 'page');
    workspace.page = 'overview';
  });

  it('reaches every page of the registry from the sidebar as the owner of an organization', async () => {
    const user = userEvent.setup();
    workspace.currentId = 'o';
    workspace.page = 'overview';
    render(Sidebar);
    // Every page but the personal context's own (the portfolio).
    const shared = pages.filter((p) => p.kinds.includes('organization'));
    expect(ids()).toEqual(shared.map((p) => navTestId(p.page)));
    for (const { page, title } of shared) {
      const item = screen.getByTestId(navTestId(page));
      expect(item).toHaveTextContent(title);
      await user.click(item);
      expect(workspace.page).toBe(page);
      expect(item).toHaveAttribute('aria-current', 'page');
    }
    workspace.page = 'overview';
  });

  it('derives who sees which page from the registry', () => {
    const personalIds = pages.filter((p) => pageAllowed(personal, p.page)).map((p) => p.page);
    expect(personalIds).not.toContain('members');
    expect(personalIds).toContain('billing');
    expect(personalIds).toContain('settings/audit-log');
    const memberIds = pages.filter((p) => pageAllowed(asMember, p.page)).map((p) => p.page);
    expect(memberIds).toEqual(['overview', 'projects', 'members', 'settings/general', 'settings/api-keys', 'account']);
    expect(pages.filter((p) => pageAllowed(personal, p.page)).map((p) => p.page)).toContain('account');
    expect(pages.filter((p) => !pageAllowed(asOwner, p.page)).map((p) => p.page)).toEqual(['portfolio']);
    expect(personalIds).toContain('portfolio');
  });

  it('opens the account from the user menu as well', async () => {
    const user = userEvent.setup();
    workspace.currentId = 'g';
    workspace.page = 'overview';
    render(Sidebar);
    await user.click(screen.getByTestId('user-menu-trigger'));
    await user.click(await screen.findByTestId('user-menu-account'));
    expect(workspace.page).toBe('account');
    expect(workspace.currentId).toBe('g');
    expect(screen.getByTestId('nav-account')).toHaveAttribute('aria-current', 'page');
    workspace.page = 'overview';
  });

  it('titles settings pages under their section', () => {
    expect(pageTitle('projects')).toBe('Projects');
    expect(pageTitle('settings/audit-log')).toBe('Settings · Audit log');
    expect(navTestId('settings/api-keys')).toBe('nav-settings-api-keys');
  });
});

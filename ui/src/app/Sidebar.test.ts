import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { backend, membership, org, reset } from '../test/ipc';
import { pageAllowed, workspace } from '../lib/workspace.svelte';
import { received } from '../lib/invitations.svelte';
import Sidebar from './Sidebar.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const asAdmin = membership(org({ id: 'a', name: 'Acme', slug: 'acme' }), 'admin');
const asMember = membership(org({ id: 'g', name: 'Globex', slug: 'globex' }), 'member');

beforeEach(() => {
  backend({ my_invitations: () => [], save_location: () => null });
  received.clear();
  workspace.contexts = [personal, asAdmin, asMember];
});
afterEach(reset);

const ids = () => screen.getAllByRole('button').map((b) => b.dataset.testid).filter((t) => t?.startsWith('nav-'));

describe('Sidebar', () => {
  it('shows every page to an admin of an organization', () => {
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
    ]);
  });

  it('hides billing and the audit log from members, but not their API keys', () => {
    workspace.currentId = 'g';
    render(Sidebar);
    expect(ids()).toEqual(['nav-overview', 'nav-projects', 'nav-members', 'nav-settings-general', 'nav-settings-api-keys']);
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
    expect(screen.queryByTestId('nav-billing')).toBeNull();
    expect(screen.getByTestId('nav-overview')).toHaveAttribute('aria-current', 'page');
    workspace.page = 'overview';
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { backend, membership, org, reset } from '../test/ipc';
import { workspace } from '../lib/workspace.svelte';
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
    expect(ids()).toEqual(['nav-overview', 'nav-projects', 'nav-members', 'nav-settings-general', 'nav-settings-audit-log']);
  });

  it('hides the audit log from members', () => {
    workspace.currentId = 'g';
    render(Sidebar);
    expect(ids()).toEqual(['nav-overview', 'nav-projects', 'nav-members', 'nav-settings-general']);
  });

  it('has no Members page in Personal', () => {
    workspace.currentId = 'p';
    render(Sidebar);
    expect(ids()).not.toContain('nav-members');
    expect(ids()).toContain('nav-projects');
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset } from '../../test/ipc';
import type { Member, Role } from '../../lib/bindings';
import { toasts } from '../../lib/toast.svelte';
import { workspace } from '../../lib/workspace.svelte';
import MembersPage from './MembersPage.svelte';
import { parseEmails } from './members';

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });
const personal = membership(org({ id: 'me-p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const limits = { projects: 10, seats: 5, owned_orgs: 3, audit_retention_days: 90 };
const overview = { org: o, role: 'owner', member_count: 3, limits, seats_used: 3, pending_invitations: 0, projects: { active: 2, suspended: 0, archived: 0 } };
const projects = [
  { id: 'pw', org_id: 'o1', slug: 'web', name: 'Website', description: null, status: 'active', suspended_reason: null, version: 1, created_at: '', updated_at: '' },
  { id: 'pa', org_id: 'o1', slug: 'app', name: 'App', description: null, status: 'active', suspended_reason: null, version: 1, created_at: '', updated_at: '' },
];

function person(i: number, role: Role = 'member'): Member {
  return {
    user: { id: `u${i}`, email: `user${i}@example.com`, display_name: `User ${i}` },
    role,
    project_scope: { kind: 'all' },
    joined_at: '2026-11-01T10:00:00Z',
  };
}

/** 10,000 members, owner first, served 100 at a time by cursor like the server. */
const everyone = [person(0, 'owner'), ...Array.from({ length: 9999 }, (_, i) => person(i + 1))];
function listMembers(a: Record<string, unknown>) {
  const q = ((a.filter as { q?: string }).q ?? '').toLowerCase();
  const matching = q ? everyone.filter((m) => m.user.email.startsWith(q)) : everyone;
  const start = a.cursor ? Number(a.cursor) : 0;
  const items = matching.slice(start, start + 100);
  return { items, next_cursor: start + 100 < matching.length ? String(start + 100) : null };
}

const base = {
  list_members: listMembers,
  get_overview: () => overview,
  list_projects: () => projects,
  list_invitations: () => [],
  save_location: () => null,
  list_contexts: () => [personal, membership(o)],
};

// jsdom has no layout: give the member list a 600px viewport.
const sizes = { offsetHeight: 600, offsetWidth: 900 };
beforeAll(() => {
  for (const [k, v] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => v });
  }
});
afterAll(() => {
  for (const k of Object.keys(sizes)) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[k];
});
beforeEach(() => {
  workspace.session = {
    me: { user: { id: 'u0', email: 'user0@example.com', display_name: 'User 0', created_at: '' }, personal_org_id: 'me-p', session_expires_at: '', email_verified: true },
    server: { kind: 'embedded' },
    token_storage: { kind: 'keychain' },
    location: null,
  };
  workspace.contexts = [personal, membership(o)];
  workspace.currentId = 'o1';
});
afterEach(reset);

describe('MembersPage', () => {
  it('renders only what is visible of 10,000 members and loads further pages by cursor on scroll', async () => {
    const calls = backend(base);
    render(MembersPage, { props: { membership: membership(o) } });
    await vi.waitFor(() => expect(screen.getAllByTestId('member-row').length).toBeGreaterThan(5));
    const rendered = screen.getAllByTestId('member-row');
    expect(rendered.length).toBeLessThan(40);
    expect(rendered[0]).toHaveAttribute('data-email', 'user0@example.com');
    expect(calls.of('list_members')).toHaveLength(1);

    const scroller = screen.getByTestId('member-list');
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 95 * 60 });
    await fireEvent.scroll(scroller);
    await vi.waitFor(() => expect(calls.of('list_members')).toHaveLength(2));
    expect(calls.of('list_members')[1]).toMatchObject({ orgId: 'o1', cursor: '100' });
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('member-row').some((r) => r.dataset.email === 'user105@example.com')).toBe(true),
    );
    expect(screen.getAllByTestId('member-row').length).toBeLessThan(40);
  });

  it('searches on the server after typing stops', async () => {
    const calls = backend(base);
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('member-row');
    await user.type(screen.getByTestId('member-search'), 'user42');
    await vi.waitFor(() => expect(calls.of('list_members').at(-1)).toMatchObject({ filter: { q: 'user42' }, cursor: null }));
    expect(calls.of('list_members').filter((c) => (c.filter as { q?: string }).q)).toHaveLength(1);
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('member-row').map((r) => r.dataset.email)).toContain('user42@example.com'),
    );
  });

  it('changes a role through the role menu, never offering it on the owner’s row', async () => {
    const calls = backend({ ...base, change_member_role: () => ({ ...person(1), role: 'admin' }) });
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('member-row');
    expect(within(rows[0]!).queryByTestId('member-role-menu')).toBeNull();
    expect(within(rows[0]!).queryByTestId('member-remove')).toBeNull();
    await user.click(within(rows[1]!).getByTestId('member-role-menu'));
    await user.click(await screen.findByTestId('role-option-admin'));
    expect(calls.of('change_member_role')[0]).toEqual({ orgId: 'o1', userId: 'u1', role: 'admin' });
    await vi.waitFor(() => expect(within(screen.getAllByTestId('member-row')[1]!).getByTestId('role-badge')).toHaveTextContent('admin'));
    expect(toasts.at(-1)?.message).toBe('User 1 is now an admin.');
  });

  it('hides management from members', async () => {
    backend(base);
    render(MembersPage, { props: { membership: membership(o, 'member') } });
    await screen.findAllByTestId('member-row');
    expect(screen.queryByTestId('member-role-menu')).toBeNull();
    expect(screen.queryByTestId('invite-open')).toBeNull();
    expect(screen.queryByTestId('members-tab-invitations')).toBeNull();
    expect(screen.queryByTestId('transfer-open')).toBeNull();
    expect(screen.getByTestId('leave-org')).toBeInTheDocument();
  });

  it('tells managers the seats used and members only the head count', async () => {
    // A member's overview carries no seat count (pending invitations are managers' business).
    backend({ ...base, get_overview: () => ({ ...overview, role: 'member', seats_used: null, pending_invitations: null }) });
    const { unmount } = render(MembersPage, { props: { membership: membership(o, 'member') } });
    await vi.waitFor(() => expect(screen.getByTestId('members-summary')).toHaveTextContent('3 members in Northwind Traders'));
    expect(screen.getByTestId('members-summary')).not.toHaveTextContent(/seats|of 5/);
    unmount();
    reset();
    backend(base);
    render(MembersPage, { props: { membership: membership(o) } });
    await vi.waitFor(() => expect(screen.getByTestId('members-summary')).toHaveTextContent('3 members · 3 of 5 seats used on the team plan'));
  });

  it('invites several parsed emails with a project scope', async () => {
    const calls = backend({
      ...base,
      invite_members: (a) => ({
        invitations: ((a.input as { emails: string[] }).emails).map((email, i) => ({
          invitation: { id: `i${i}`, org_id: 'o1', email, role: 'member', project_scope: { kind: 'all' }, status: 'pending', invited_by: null, created_at: '', expires_at: '' },
          link: `orgdesk://invite/tok${i}`,
        })),
      }),
    });
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o) } });
    await user.click(screen.getByTestId('invite-open'));
    const dialog = await screen.findByTestId('invite-dialog');
    await vi.waitFor(() => expect(within(dialog).getByTestId('invite-seats')).toHaveTextContent('2 seats left'));
    const emails = dialog.querySelector('textarea[name=emails]')!;
    await user.type(emails, 'bad-address, li@example.com');
    await user.click(within(dialog).getByTestId('invite-submit'));
    expect(await within(dialog).findByTestId('field-error-emails')).toHaveTextContent('bad-address');
    expect(calls.of('invite_members')).toHaveLength(0);

    await user.clear(emails);
    await user.type(emails, 'li@example.com\nmo@example.com');
    await user.click(dialog.querySelector('[data-testid=invite-scope-project][data-slug=web]')!);
    await user.click(within(dialog).getByTestId('invite-submit'));
    expect(calls.of('invite_members')[0]).toEqual({
      orgId: 'o1',
      input: { emails: ['li@example.com', 'mo@example.com'], role: 'member', project_scope: { kind: 'projects', ids: ['pw'] } },
    });
    const links = await within(dialog).findAllByTestId('invite-link');
    expect(links.map((l) => l.textContent)).toEqual(['orgdesk://invite/tok0', 'orgdesk://invite/tok1']);
    expect(dialog).toHaveTextContent('shown only this once');
  });

  it('refuses more addresses than free seats before sending', async () => {
    backend(base);
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o) } });
    await user.click(screen.getByTestId('invite-open'));
    const dialog = await screen.findByTestId('invite-dialog');
    await vi.waitFor(() => expect(within(dialog).getByTestId('invite-seats')).toHaveTextContent('2 seats left'));
    await user.type(dialog.querySelector('textarea[name=emails]')!, 'a@x.io b@x.io c@x.io');
    expect(within(dialog).getByTestId('invite-too-many')).toBeInTheDocument();
    expect(within(dialog).getByTestId('invite-submit')).toBeDisabled();
  });

  it('limits a member to chosen projects', async () => {
    const calls = backend({ ...base, set_member_scope: (a) => ({ ...person(1), project_scope: a.scope }) });
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('member-row');
    await user.click(within(rows[1]!).getByTestId('member-scope'));
    const dialog = await screen.findByTestId('scope-dialog');
    expect(within(dialog).getByTestId('scope-all')).toBeChecked();
    await user.click(dialog.querySelector('[data-testid=scope-project][data-slug=app]')!);
    await user.click(within(dialog).getByTestId('scope-save'));
    expect(calls.of('set_member_scope')[0]).toEqual({ orgId: 'o1', userId: 'u1', scope: { kind: 'projects', ids: ['pa'] } });
    await vi.waitFor(() => expect(screen.getAllByTestId('member-row')[1]).toHaveTextContent('App'));
  });

  it('transfers ownership only after the slug is typed, then I am an admin', async () => {
    const calls = backend({ ...base, transfer_ownership: () => membership(o, 'admin') });
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o) } });
    await user.click(screen.getByTestId('transfer-open'));
    const dialog = await screen.findByTestId('transfer-dialog');
    const select = dialog.querySelector('select[name=transfer_to]') as HTMLSelectElement;
    await vi.waitFor(() => expect(select.options.length).toBeGreaterThan(2));
    expect([...select.options].map((x) => x.value)).not.toContain('u0'); // not me, the owner
    await user.selectOptions(select, 'u2');
    expect(within(dialog).getByTestId('transfer-confirm')).toBeDisabled();
    await user.type(dialog.querySelector('input[name=confirm]')!, 'northwind');
    await user.click(within(dialog).getByTestId('transfer-confirm'));
    expect(calls.of('transfer_ownership')[0]).toEqual({ orgId: 'o1', userId: 'u2' });
    await vi.waitFor(() => expect(workspace.contexts.find((c) => c.org.id === 'o1')?.role).toBe('admin'));
  });

  it('after leaving its last organization, lands in Personal with a message', async () => {
    const calls = backend({ ...base, leave_org: () => null });
    const user = userEvent.setup();
    render(MembersPage, { props: { membership: membership(o, 'admin') } });
    await user.click(screen.getByTestId('leave-org'));
    // Like every dialog, it can be closed from its header.
    expect(within(await screen.findByTestId('leave-dialog')).getByRole('button', { name: 'Close' })).toBeInTheDocument();
    await user.click(await screen.findByTestId('leave-confirm'));
    await vi.waitFor(() => expect(workspace.currentId).toBe('me-p'));
    expect(calls.of('leave_org')[0]).toEqual({ orgId: 'o1' });
    expect(workspace.contexts.map((c) => c.org.id)).toEqual(['me-p']);
    expect(workspace.page).toBe('overview');
  });
});

describe('parseEmails', () => {
  it('splits on commas, spaces and new lines, drops duplicates and flags bad shapes', () => {
    expect(parseEmails('a@x.io, b@x.io\nA@x.io;  nope  <c@y.org>')).toEqual({
      valid: ['a@x.io', 'b@x.io', 'c@y.org'],
      invalid: ['nope'],
    });
  });
});

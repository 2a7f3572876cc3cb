import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Channel } from '@tauri-apps/api/core';
import { backend, membership, org, reset } from '../../test/ipc';
import type { AuditAction, AuditEvent } from '../../lib/bindings';
import { isoDay } from '../../lib/format';
import { toasts } from '../../lib/toast.svelte';
import AuditLogPage from './AuditLogPage.svelte';
import { actionLabel, describe as describeEvent, summarize, targetOf, textOf } from './actions';

afterEach(reset);

const o = org({ id: 'o1', slug: 'northwind' });
const ana = { id: 'u1', email: 'ana@example.com', display_name: 'Ana Lima' };

function event(i: number, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `e${i}`,
    org_id: 'o1',
    actor: ana,
    actor_kind: 'person',
    action: 'member.role_changed',
    target_type: 'member',
    target_id: 'u2',
    project_id: null,
    ip: null,
    user_agent: null,
    details: { old: 'member', new: 'admin' },
    created_at: '2026-11-20T10:00:00Z',
    ...over,
  };
}

const base = {
  list_members: () => ({ items: [{ user: ana, role: 'owner', project_scope: { kind: 'all' }, joined_at: '' }], next_cursor: null }),
  list_projects: () => [],
  plan_limits: () => ({ projects: 3, seats: 5, owned_orgs: 1, audit_retention_days: 30 }),
  audit_log: (a: Record<string, unknown>) =>
    a.cursor
      ? { items: [event(3, { action: 'project.suspended', target_type: 'project', details: { reason: 'Overdue' } })], next_cursor: null }
      : { items: [event(1), event(2, { actor: null, actor_kind: 'system', action: 'org.updated', details: { changes: { name: { old: 'Acme', new: 'Acme Labs' } } } })], next_cursor: 'c2' },
};

describe('AuditLogPage', () => {
  it('renders events readably and loads older ones by cursor', async () => {
    const calls = backend(base);
    const user = userEvent.setup();
    render(AuditLogPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Ana Lima');
    expect(rows[0]).toHaveTextContent('Role changed');
    expect(rows[0]).toHaveTextContent('member → admin');
    expect(rows[1]).toHaveTextContent('System');
    expect(rows[1]).toHaveTextContent('name: Acme → Acme Labs');

    await user.click(screen.getByTestId('audit-load-more'));
    await vi.waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(3));
    expect(calls.of('audit_log')[1]).toMatchObject({ orgId: 'o1', cursor: 'c2' });
    expect(screen.getAllByTestId('audit-row')[2]).toHaveTextContent('Project suspended');
    expect(screen.queryByTestId('audit-load-more')).toBeNull();
  });

  it("names the server's operator for what it did from the command line", async () => {
    backend({
      ...base,
      audit_log: () => ({
        items: [
          event(1, {
            actor: null,
            actor_kind: 'operator',
            action: 'billing.credits_granted',
            target_type: 'org',
            target_id: 'o1',
            details: { amount: 5000, reference: 'INV-7', balance: 5000 },
          }),
          event(2, { actor: null, actor_kind: 'operator', action: 'org.plan_changed', target_type: 'org', target_id: 'o1', details: { old: 'free', new: 'team' } }),
          event(3, { actor: null, actor_kind: 'system', action: 'billing.low_balance', target_type: 'org', target_id: 'o1', details: {} }),
        ],
        next_cursor: null,
      }),
    });
    render(AuditLogPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows[0]).toHaveTextContent('Server operator');
    expect(rows[0]).toHaveTextContent('Credits granted');
    expect(rows[0]).toHaveTextContent('INV-7');
    expect(rows[1]).toHaveTextContent('Server operator');
    expect(rows[1]).toHaveTextContent('free → team');
    expect(rows[2]).toHaveTextContent('System');
    expect(rows[2]).not.toHaveTextContent('Server operator');
  });

  it('keeps the entries of a person whose account was deleted, as Deleted user', async () => {
    backend({
      ...base,
      audit_log: () => ({
        items: [event(1, { actor: null, actor_kind: 'person', action: 'project.archived' })],
        next_cursor: null,
      }),
    });
    render(AuditLogPage, { props: { membership: membership(o) } });
    const [row] = await screen.findAllByTestId('audit-row');
    expect(row).toHaveTextContent('Deleted user');
    expect(row).not.toHaveTextContent('System');
  });

  it('filters on the server by action and by day', async () => {
    const calls = backend(base);
    const user = userEvent.setup();
    const { container } = render(AuditLogPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('audit-row');
    await user.selectOptions(container.querySelector('select[name=action]')!, 'project.archived');
    await vi.waitFor(() => expect(calls.of('audit_log').at(-1)).toMatchObject({ filter: { action: 'project.archived' }, cursor: null }));
    const from = container.querySelector('input[name=from]') as HTMLInputElement;
    await user.type(from, '2026-11-01');
    await vi.waitFor(() => {
      const f = calls.of('audit_log').at(-1)!.filter as { from: string };
      expect(new Date(f.from).getDate()).toBe(1);
    });
  });

  it('exports through the command, which asks where; progress once a place is chosen, then the file', async () => {
    let finish: (v: unknown) => void = () => {};
    const calls = backend({
      ...base,
      export_audit_log: (a) => {
        (a.progress as Channel<number>).onmessage(0);
        (a.progress as Channel<number>).onmessage(2048);
        return new Promise((resolve) => (finish = resolve));
      },
    });
    const user = userEvent.setup();
    render(AuditLogPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('audit-row');
    await user.click(screen.getByTestId('audit-export-csv'));

    await vi.waitFor(() => expect(calls.of('export_audit_log')).toHaveLength(1));
    const args = calls.of('export_audit_log')[0]!;
    expect(args).toMatchObject({ orgId: 'o1', format: 'csv', fileName: `northwind-audit-${isoDay()}.csv` });
    expect(args).not.toHaveProperty('path');
    expect(calls.log.some((c) => c.cmd.startsWith('plugin:dialog'))).toBe(false);
    expect(await screen.findByTestId('audit-export-progress')).toHaveTextContent('2.0 KB written');

    finish({ path: '/home/ana/northwind-audit.csv', bytes: 4096 });
    await vi.waitFor(() => expect(screen.queryByTestId('audit-export-progress')).toBeNull());
    expect(toasts.at(-1)?.message).toContain('/home/ana/northwind-audit.csv');
  });

  it('does nothing when the save dialog is cancelled', async () => {
    const calls = backend({ ...base, export_audit_log: () => null });
    const user = userEvent.setup();
    render(AuditLogPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('audit-row');
    const before = toasts.length;
    await user.click(screen.getByTestId('audit-export-json'));
    await vi.waitFor(() => expect(calls.of('export_audit_log')).toHaveLength(1));
    expect(calls.of('export_audit_log')[0]).toMatchObject({ format: 'json', fileName: `northwind-audit-${isoDay()}.json` });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(toasts.length).toBe(before);
    expect(screen.queryByTestId('audit-export-progress')).toBeNull();
  });
});

describe('summarize', () => {
  it('names scopes and ids', () => {
    expect(summarize({ old: { kind: 'all' }, new: { kind: 'projects', ids: ['a', 'b'] } })).toBe('all projects → 2 projects');
    expect(summarize({ from: 'u1', to: 'u2' }, new Map([['u1', 'Ana'], ['u2', 'Lee']]))).toBe('Ana → Lee');
    expect(summarize({ from: 'active', to: 'suspended', reason: 'Overdue' })).toBe('active → suspended; reason: Overdue');
  });
});

describe('describeEvent', () => {
  const names = new Map([
    ['u1', 'Ada Lovelace'],
    ['u2', 'Cy Chen'],
    ['p1', 'Mobile app'],
    ['p2', 'Website'],
  ]);
  const say = (action: AuditAction, details: AuditEvent['details']) => textOf(describeEvent({ action, details }, names));

  it('says who handed ownership to whom, in a sentence', () => {
    expect(say('org.ownership_transferred', { from: 'u1', to: 'u2', new_owner_previous_role: 'admin' })).toBe(
      'From Ada Lovelace to Cy Chen, who was an admin before.',
    );
  });

  it('names the projects of an invitation’s scope, or counts those it cannot name', () => {
    expect(say('invitation.created', { email: 'bo@example.com', role: 'member', project_scope: ['p1'] })).toBe(
      'As a member, with access to Mobile app.',
    );
    expect(say('invitation.created', { email: 'cy@example.com', role: 'admin', project_scope: null })).toBe(
      'As an admin, with access to all projects.',
    );
    expect(say('invitation.created', { email: 'bo@example.com', role: 'member', project_scope: ['gone'] })).toBe(
      'As a member, with access to 1 project.',
    );
    expect(say('member.scope_changed', { old: 'all', new: ['p1', 'p2', 'gone'] })).toBe(
      'all projects → Mobile app, Website and 1 other project',
    );
    expect(say('invitation.accepted', { email: 'bo@example.com', role: 'member', user_id: 'u3' })).toBe('Joined as a member.');
  });

  it('says which project a key is for', () => {
    expect(say('api_key.created', { name: 'CI', prefix: 'xc1Y', project_id: null, scopes: ['usage:write'] })).toBe(
      'name: CI; prefix: xc1Y; project: all projects; scopes: usage:write',
    );
  });

  it('keeps slugs whole as codes', () => {
    expect(describeEvent({ action: 'project.created', details: { name: 'Mobile app', slug: 'mobile-app' } }, names)).toEqual([
      'name: ',
      'Mobile app',
      '; ',
      'slug: ',
      { code: 'mobile-app' },
    ]);
  });

  it('names the organization as the target of org events', () => {
    const orgNames = new Map([['o1', 'Northwind Traders']]);
    expect(targetOf(event(1, { action: 'org.ownership_transferred', target_type: 'org', target_id: 'o1' }), orgNames)).toEqual({
      kind: 'Organization',
      name: 'Northwind Traders',
    });
  });

  it('names a webhook by its URL and labels its events', () => {
    const e = event(2, {
      action: 'webhook.created',
      target_type: 'webhook',
      target_id: 'w1',
      details: { url: 'https://hooks.example.com/orgdesk', events: ['project.created'] },
    });
    expect(targetOf(e, new Map())).toEqual({ kind: 'Webhook', name: 'https://hooks.example.com/orgdesk' });
    expect(actionLabel('webhook.disabled')).toBe('Webhook turned off after failures');
  });
});

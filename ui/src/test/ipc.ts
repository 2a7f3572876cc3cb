// Test support: answer the app's commands from a table, the way the Rust backend would,
// through Tauri's own IPC mock. Errors are thrown as the backend sends them.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { ApiError, Capability, ConnectivityStatus, Fresh, Membership, Org, Outcome, QueuedChange, Role } from '../lib/bindings';

type Handler = (args: Record<string, unknown>) => unknown;

export interface Calls {
  log: { cmd: string; args: Record<string, unknown> }[];
  of(cmd: string): Record<string, unknown>[];
}

// Reads answer `Fresh<T>` and queue-able writes `Outcome<T>`. A handler may return the
// bare value (wrapped here: fresh from the server, applied) or the wrapped one (from the
// store, queued) when the test is about that.
const READS = new Set([
  'list_contexts', 'get_org', 'get_overview', 'list_projects', 'list_members', 'list_invitations', 'my_invitations',
  'audit_log', 'get_billing', 'ledger', 'usage_report', 'list_invoices', 'get_invoice', 'rate_card', 'list_api_keys',
  'get_billing_profile', 'list_payments', 'webhook_events', 'list_webhooks', 'get_webhook', 'list_webhook_deliveries',
  'get_webhook_delivery', 'list_org_exports', 'get_retention',
]);
const WRITES = new Set([
  'update_org', 'create_project', 'update_project', 'suspend_project', 'unsuspend_project', 'archive_project',
  'restore_project', 'change_member_role', 'set_member_scope', 'invite_members', 'revoke_invitation', 'top_up',
  'set_low_balance_threshold', 'set_spend_policy', 'update_billing_profile', 'top_up_by_card',
]);
const NOW = '2026-11-25T14:02:00Z';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function wrap(cmd: string, v: unknown): unknown {
  if (READS.has(cmd) && !(isObject(v) && 'from_cache' in v && 'as_of' in v)) return fresh(v);
  if (WRITES.has(cmd) && !(isObject(v) && (v.status === 'applied' || v.status === 'queued'))) return applied(v);
  return v;
}

/** A read's answer; `from_cache` with an old `as_of` is what the store answers offline. */
export function fresh<T>(value: T, over: Partial<Omit<Fresh<T>, 'value'>> = {}): Fresh<T> {
  return { value, as_of: NOW, from_cache: false, ...over };
}

export function applied<T>(value: T): Outcome<T> {
  return { status: 'applied', value };
}

export function queuedChange(over: Partial<QueuedChange> = {}): QueuedChange {
  return {
    id: 1,
    org_id: '0193a000-0000-7000-8000-000000000001',
    change: { kind: 'archive_project', org_id: '0193a000-0000-7000-8000-000000000001', project_id: 'p' },
    summary: 'Archive project',
    created_at: NOW,
    state: 'pending',
    attempts: 0,
    problem: null,
    ...over,
  };
}

export function queued<T>(over: Partial<QueuedChange> = {}): Outcome<T> {
  return { status: 'queued', change: queuedChange(over) };
}

export function status(over: Partial<ConnectivityStatus> = {}): ConnectivityStatus {
  return { online: true, since: NOW, queued: 0, attention: 0, durable: true, ...over };
}

/** An online-only command, offline: it fails at once with this. */
export function offline(message = 'You are offline. This needs a connection.'): never {
  throw { code: 'server_unreachable', message } satisfies ApiError;
}

/** `events: true` also mocks Tauri events, so `emit()` reaches the app's listeners. */
export function backend(handlers: Record<string, Handler>, opts: { events?: boolean } = {}): Calls {
  const log: Calls['log'] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    log.push({ cmd, args: a });
    const h = handlers[cmd];
    if (!h) throw new Error(`unexpected command ${cmd}`);
    const answer = h(a);
    return answer instanceof Promise ? answer.then((v) => wrap(cmd, v)) : wrap(cmd, answer);
  }, { shouldMockEvents: opts.events ?? false });
  return { log, of: (cmd) => log.filter((c) => c.cmd === cmd).map((c) => c.args) };
}

export function fail(error: ApiError): never {
  throw error;
}

export function reset(): void {
  clearMocks();
}

export function org(over: Partial<Org> = {}): Org {
  return {
    id: '0193a000-0000-7000-8000-000000000001',
    kind: 'organization',
    slug: 'northwind',
    name: 'Northwind Traders',
    description: null,
    website: null,
    logo: null,
    plan: 'free',
    version: 1,
    created_at: '2026-11-25T10:00:00Z',
    pending_deletion: null,
    ...over,
  };
}

// The shared permission table (crates/model/src/role.rs), as the backend hands it out.
const ALL: Capability[] = [
  'view_org', 'edit_settings', 'manage_invitations', 'manage_members', 'transfer_ownership',
  'leave_org', 'manage_projects', 'view_billing', 'top_up', 'change_plan', 'manage_api_keys',
  'view_audit_log', 'manage_security', 'delete_org',
];
const PEOPLE: Capability[] = ['manage_invitations', 'manage_members', 'transfer_ownership', 'leave_org', 'delete_org'];

export function capabilities(kind: Org['kind'], role: Role): Capability[] {
  return ALL.filter((c) => {
    const allowed =
      role === 'owner'
        ? c !== 'leave_org'
        : role === 'admin'
          ? !['transfer_ownership', 'change_plan', 'delete_org'].includes(c)
          : c === 'view_org' || c === 'leave_org';
    return allowed && !(kind === 'personal' && PEOPLE.includes(c));
  });
}

export function membership(o: Org, role: Membership['role'] = 'owner'): Membership {
  return { org: o, role, capabilities: capabilities(o.kind, role), sso_required: false };
}

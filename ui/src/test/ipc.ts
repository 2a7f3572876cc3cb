// Test support: answer the app's commands from a table, the way the Rust backend would,
// through Tauri's own IPC mock. Errors are thrown as the backend sends them.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { ApiError, Capability, Membership, Org, Role } from '../lib/bindings';

type Handler = (args: Record<string, unknown>) => unknown;

export interface Calls {
  log: { cmd: string; args: Record<string, unknown> }[];
  of(cmd: string): Record<string, unknown>[];
}

/** `events: true` also mocks Tauri events, so `emit()` reaches the app's listeners. */
export function backend(handlers: Record<string, Handler>, opts: { events?: boolean } = {}): Calls {
  const log: Calls['log'] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    log.push({ cmd, args: a });
    const h = handlers[cmd];
    if (!h) throw new Error(`unexpected command ${cmd}`);
    return h(a);
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
  return { org: o, role, capabilities: capabilities(o.kind, role) };
}

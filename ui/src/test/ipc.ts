// Test support: answer the app's commands from a table, the way the Rust backend would,
// through Tauri's own IPC mock. Errors are thrown as the backend sends them.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { ApiError, Membership, Org } from '../lib/bindings';

type Handler = (args: Record<string, unknown>) => unknown;

export interface Calls {
  log: { cmd: string; args: Record<string, unknown> }[];
  of(cmd: string): Record<string, unknown>[];
}

export function backend(handlers: Record<string, Handler>): Calls {
  const log: Calls['log'] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    log.push({ cmd, args: a });
    const h = handlers[cmd];
    if (!h) throw new Error(`unexpected command ${cmd}`);
    return h(a);
  });
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

export function membership(o: Org, role: Membership['role'] = 'owner'): Membership {
  const caps: Membership['capabilities'] =
    role === 'member' ? ['view_org', 'leave_org'] : ['view_org', 'edit_settings'];
  return { org: o, role, capabilities: caps };
}

// Test support: what the signed-in shell asks of the backend whatever the page, for tests
// that render the whole app (App.svelte) with a personal context and one org.
import type { Membership } from '../lib/bindings';
import { status } from './ipc';

type Handler = (args: Record<string, unknown>) => unknown;

const LIMITS = { projects: 3, seats: 5, owned_orgs: 1, audit_retention_days: 30 };

/** An org's overview as `m` sees it. */
export function overviewOf(m: Membership) {
  return {
    org: m.org,
    role: m.role,
    member_count: 1,
    projects: { active: 0, suspended: 0, archived: 0 },
    pending_invitations: 0,
    seats_used: 1,
    limits: LIMITS,
  };
}

/** The shell's commands over `contexts` (Personal first); no link waits. */
export function shellHandlers(contexts: Membership[]): Record<string, Handler> {
  const byId = (id: unknown) => contexts.find((c) => c.org.id === id) ?? contexts[0]!;
  return {
    list_contexts: () => contexts,
    get_org: (a) => byId(a.orgId),
    take_deep_link: () => null,
    take_account_link: () => null,
    save_location: () => null,
    my_invitations: () => [],
    get_overview: (a) => overviewOf(byId(a.orgId)),
    list_projects: () => [],
    plan_limits: () => LIMITS,
    list_members: () => ({ items: [], next_cursor: null }),
    preview_slug: () => '',
    check_org_fields: () => [],
    connectivity_status: () => status(),
    list_outbox: () => [],
  };
}

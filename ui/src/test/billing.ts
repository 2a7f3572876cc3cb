// Test data for the billing tests: what the backend answers for an org on the team plan.
import type { BillingSummary, InvoiceSummary, LedgerEntry, Project } from '../lib/bindings';

export const limits = { projects: 25, seats: 50, owned_orgs: 10, audit_retention_days: 90 };

export function summary(over: Partial<BillingSummary> = {}): BillingSummary {
  return {
    org_id: 'o1',
    payment_mode: 'local',
    balance: 12_345,
    plan: 'team',
    limits,
    usage: { projects: 5, seats: 7 },
    low_balance_threshold: null,
    low_balance_alert: null,
    spent_this_month: 1_250,
    spend_policy: { kind: 'everyone' },
    ...over,
  };
}

export function entry(i: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: `l${i}`,
    org_id: 'o1',
    kind: 'usage',
    amount: -12,
    balance_after: 10_000 - i,
    project_id: 'pw',
    user_id: 'u1',
    api_key_id: null,
    modality: 'text',
    quantity: 12,
    rate_version: 1,
    reference: null,
    description: '12 × text in Website: 12 credits',
    created_at: '2026-11-20T10:00:00Z',
    ...over,
  };
}

export const projects: Project[] = [
  { id: 'pw', org_id: 'o1', slug: 'website', name: 'Website', description: null, status: 'active', suspended_reason: null, version: 1, created_at: '', updated_at: '' },
  { id: 'pa', org_id: 'o1', slug: 'app', name: 'App', description: null, status: 'active', suspended_reason: null, version: 1, created_at: '', updated_at: '' },
];

export function invoice(month: string, closed = true): InvoiceSummary {
  return {
    id: month,
    org_id: 'o1',
    period_start: `${month}-01`,
    period_end: `${month}-28`,
    opening_balance: 1_000,
    credits_added: 5_000,
    credits_spent: 750,
    closing_balance: 5_250,
    closed,
  };
}

/** Every command the billing page reads, answered for a quiet org. */
export function reads(over: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  return {
    get_billing: () => summary(),
    ledger: () => ({ items: [entry(1, { kind: 'top_up', amount: 5_000, description: 'Top-up', reference: 'INV-1', modality: null, quantity: null })], next_cursor: null }),
    list_projects: () => projects,
    list_members: () => ({ items: [{ user: { id: 'u1', email: 'ana@example.com', display_name: 'Ana Lima' }, role: 'owner', project_scope: { kind: 'all' }, joined_at: '' }], next_cursor: null }),
    usage_report: (a: Record<string, unknown>) => ({
      org_id: 'o1',
      from: '2026-10-27T00:00:00Z',
      to: '2026-11-25T12:00:00Z',
      group_by: a.groupBy,
      rows: [
        { key: 'pw', label: 'Website', credits: 9_000, events: 120 },
        { key: 'pa', label: 'App', credits: 1_000, events: 30 },
      ],
      total_credits: 10_000,
    }),
    list_invoices: () => [invoice('2026-10'), invoice('2026-11', false)],
    plan_limits: (a: Record<string, unknown>) =>
      ({ free: { projects: 3, seats: 5, owned_orgs: 3, audit_retention_days: 30 }, team: limits, business: { projects: 250, seats: 1000, owned_orgs: 100, audit_retention_days: 365 } })[
        a.plan as 'free'
      ],
    ...over,
  };
}

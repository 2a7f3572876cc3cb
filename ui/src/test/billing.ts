// Test data for the billing tests: what the backend answers for an org on the team plan.
import type { BillingSummary, CardSummary, InvoiceSummary, LedgerEntry, Payment, Project, RateCard } from '../lib/bindings';

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

export const visa: CardSummary = { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 };

export function payment(i: number, over: Partial<Payment> = {}): Payment {
  return {
    id: `pay${i}`,
    org_id: 'o1',
    purpose: 'top_up',
    status: 'succeeded',
    credits: 5_000,
    refunded_credits: 0,
    price: 4_500,
    currency: 'eur',
    plan: null,
    card: visa,
    failure_message: null,
    created_by: 'u1',
    created_at: '2026-11-20T10:00:00Z',
    settled_at: '2026-11-20T10:00:02Z',
    receipt_number: `OD-2026-00000${i}`,
    ...over,
  };
}

export const rateCard: RateCard = {
  version: 1,
  effective_from: '2026-01-01T00:00:00Z',
  rates: [],
  credit_packs: [
    { credits: 1_000, price: 1_000, currency: 'eur' },
    { credits: 5_000, price: 4_500, currency: 'eur' },
    { credits: 20_000, price: 16_000, currency: 'eur' },
  ],
  plan_prices: [
    { plan: 'team', price: 2_900, currency: 'eur' },
    { plan: 'business', price: 9_900, currency: 'eur' },
  ],
};

/** What the billing page reads on a server that takes cards, with a saved card. */
export function stripeReads(
  over: Partial<BillingSummary> = {},
  handlers: Record<string, (a: Record<string, unknown>) => unknown> = {},
) {
  return reads({
    get_billing: () => summary({ payment_mode: 'stripe', card: visa, subscription: null, ...over }),
    rate_card: () => rateCard,
    get_billing_profile: () => ({
      billing_email: 'billing@northwind.example',
      company_name: 'Northwind Traders GmbH',
      address_line1: null,
      address_line2: null,
      city: 'Berlin',
      postal_code: null,
      country: 'DE',
      tax_id: null,
    }),
    list_payments: () => ({ items: [payment(2), payment(1, { status: 'failed', receipt_number: null, failure_message: 'Your card was declined.' })], next_cursor: null }),
    ...handlers,
  });
}

// Billing as people read it: ledger kinds, plans, periods, months, and typed amounts.
import type { BillingSummary, CardSummary, LedgerKind, PaymentStatus, Plan, UsageGroup, UsageRow } from '../../lib/bindings';
import { credits } from '../../lib/format';

export const KIND_LABEL: Record<LedgerKind, string> = {
  top_up: 'Top-up',
  usage: 'Usage',
  grant: 'Grant',
  refund: 'Refund',
  adjustment: 'Adjustment',
};

export const PLANS: { plan: Plan; label: string; blurb: string }[] = [
  { plan: 'free', label: 'Free', blurb: 'For trying things out and small clients.' },
  { plan: 'team', label: 'Team', blurb: 'For a team serving several projects.' },
  { plan: 'business', label: 'Business', blurb: 'For agencies at scale.' },
];

export function planLabel(plan: Plan): string {
  return PLANS.find((p) => p.plan === plan)?.label ?? plan;
}

/** What a `local` server (the app's built-in one) says wherever money appears. */
export const LOCAL_NOTE = 'Recorded, not charged: this server runs on your computer.';
/** What a `stripe` server says by the balance: credits are paid for by card. */
export const STRIPE_NOTE = 'Credits are bought in packs with the saved card, and added once the payment goes through.';
/** How a `stripe` server takes payment for paid plans. */
export const STRIPE_PLANS = 'Paid plans are charged monthly to the saved card; the plan changes once the first payment goes through.';
/** Where credits come from on a server that takes no payments (`none`). */
export const OPERATOR_CREDITS = "This server takes no payments: its operator grants credits. Ask whoever runs it.";
/** Where paid plans come from on a server that takes no payments (`none`). */
export const OPERATOR_PLANS = "Paid plans are set by this server's operator.";

/** Whether people may buy credits and paid plans here (assumed until the summary says). */
export function selfService(summary: BillingSummary | null): boolean {
  return summary?.payment_mode !== 'none';
}

/** What a card payment that could not be sent yet says. */
export const QUEUED_PAYMENT =
  'The payment waits in the outbox: it is sent by itself once the server and the payment service answer, and charged only once.';
/** What the past-due banner says when a plan's renewal failed. */
export const PAST_DUE = 'Your last plan payment failed — update your card.';
/** What the plan says while the processor has not yet confirmed a paid plan. */
export const PLAN_PENDING = 'Waiting for the payment to go through…';

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** "Visa •••• 4242". */
export function cardLabel(card: CardSummary): string {
  const brand = BRANDS[card.brand.toLowerCase()] ?? (card.brand ? card.brand[0]!.toUpperCase() + card.brand.slice(1) : 'Card');
  return `${brand} \u2022\u2022\u2022\u2022 ${card.last4}`;
}

/** "12/30". */
export function cardExpiry(card: CardSummary): string {
  return `${String(card.exp_month).padStart(2, '0')}/${String(card.exp_year % 100).padStart(2, '0')}`;
}

export const PAYMENT_STATUS_LABEL: Record<PaymentStatus, string> = {
  pending: 'Pending',
  succeeded: 'Paid',
  failed: 'Failed',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
};

/** Whether a payment has a receipt (it was paid, whatever was refunded since). */
export function hasReceipt(status: PaymentStatus): boolean {
  return status === 'succeeded' || status === 'partially_refunded' || status === 'refunded';
}

export const GROUPS: { value: UsageGroup; label: string }[] = [
  { value: 'project', label: 'Project' },
  { value: 'user', label: 'Person' },
  { value: 'day', label: 'Day' },
];

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

/** The last `days` days, today included, from local midnight; `to` open (now). */
export function periodRange(days: number, now: Date = new Date()): { from: string; to: null } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return { from: start.toISOString(), to: null };
}

/** Rows by day with the days without usage filled in as zero, oldest first. */
export function fillDays(rows: UsageRow[], from: string, to: string): UsageRow[] {
  const known = new Map(rows.map((r) => [r.key, r]));
  const out: UsageRow[] = [];
  const end = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  for (let t = Date.parse(`${from.slice(0, 10)}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    out.push(known.get(key) ?? { key, label: key, credits: 0, events: 0 });
  }
  for (const r of rows) if (!out.some((x) => x.key === r.key)) out.push(r);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** "2026-11-07" → "Nov 7" (a UTC day, as the server groups them). */
export function dayLabel(key: string): string {
  const t = Date.parse(`${key}T00:00:00Z`);
  if (Number.isNaN(t)) return key;
  return new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** "2026-11" → "November 2026". */
export function monthLabel(month: string): string {
  const t = Date.parse(`${month}-01T00:00:00Z`);
  if (Number.isNaN(t)) return month;
  return new Date(t).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export const MAX_TOP_UP = 10_000_000;

/**
 * A typed amount of credits: digits, optionally grouped ("5,000", "5 000", "5_000").
 * Answers the integer, or a message saying what is wrong.
 */
export function parseCredits(text: string, max: number = Number.MAX_SAFE_INTEGER): { value: number } | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'Enter a number of credits.' };
  if (!/^\d{1,3}([,\s_]\d{3})+$|^\d+$/.test(t)) return { error: 'Enter a whole number of credits, such as 5000.' };
  const value = Number(t.replace(/[,\s_]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) return { error: 'Enter at least 1 credit.' };
  if (value > max) return { error: `At most ${credits(max)} credits.` };
  return { value };
}

/** The share of a limit in use, 0–100, for meters. */
export function share(used: number, limit: number): number {
  return Math.min(100, Math.round((used / Math.max(1, limit)) * 100));
}

// The retention form: one period per kind, as typed, checked against the plan's bounds.
import type { RetentionKind, RetentionPolicy, RetentionRule, RetentionSettings } from '../../lib/bindings';
import { integer } from '../../lib/format';

/** As typed: a number input binds a number, or null while empty. */
export type Values = Record<RetentionKind, string | number | null>;

function text(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

export function valuesOf(s: RetentionSettings): Values {
  return Object.fromEntries(s.rules.map((r) => [r.kind, String(r.days)])) as Values;
}

/** "7 to 365 days (default 365)". */
export function boundsText(r: RetentionRule): string {
  const b = r.bounds;
  return `${integer(b.min_days)} to ${integer(b.max_days)} days on this plan (default ${integer(b.default_days)})`;
}

/** "1 year", "90 days", "2 years 10 days": a period as people say it. */
export function periodText(days: number): string {
  if (days < 365) return `${integer(days)} ${days === 1 ? 'day' : 'days'}`;
  const years = Math.floor(days / 365);
  const rest = days % 365;
  const y = `${years} ${years === 1 ? 'year' : 'years'}`;
  return rest === 0 ? y : `${y} ${rest} ${rest === 1 ? 'day' : 'days'}`;
}

/** Errors by kind: not a whole number, or outside the plan's bounds. */
export function check(values: Values, rules: RetentionRule[]): Partial<Record<RetentionKind, string>> {
  const errors: Partial<Record<RetentionKind, string>> = {};
  for (const r of rules) {
    const raw = text(values[r.kind]);
    const n = Number(raw);
    if (!/^\d+$/.test(raw)) errors[r.kind] = 'Enter a whole number of days.';
    else if (n < r.bounds.min_days || n > r.bounds.max_days)
      errors[r.kind] = `Use ${integer(r.bounds.min_days)} to ${integer(r.bounds.max_days)} days on this plan.`;
  }
  return errors;
}

export function isDirty(values: Values, s: RetentionSettings): boolean {
  return s.rules.some((r) => text(values[r.kind]) !== String(r.days));
}

export function policyOf(values: Values): RetentionPolicy {
  return {
    audit_log: Number(values.audit_log),
    usage_events: Number(values.usage_events),
    webhook_deliveries: Number(values.webhook_deliveries),
    mail_copies: Number(values.mail_copies),
    archived_projects: Number(values.archived_projects),
  };
}

// The security form's state, per org, kept while the app runs: switching context or page
// never throws away what was typed. The form is the policy whole (the server replaces it
// whole); the bounds are the server's, checked here first so mistakes show as you type.
import type { OrgSecurityPolicy, UpdateOrgSecurityPolicy } from '../../lib/bindings';

export const IDLE_MIN = 5;
export const IDLE_MAX = 43_200;
export const PASSWORD_FLOOR = 10;
export const PASSWORD_CEILING = 64;

export interface Values {
  requireTwoFactor: boolean;
  /** Sessions end after `idleMinutes` without use; off: the server's own setting. */
  idleLimited: boolean;
  /** What the number fields hold: text as typed, a number, or null while empty. */
  idleMinutes: Entry;
  minPasswordLength: Entry;
}

type Entry = string | number | null;

function text(e: Entry): string {
  return String(e ?? '').trim();
}

export interface Draft {
  /** The policy as it was when editing started. */
  base: OrgSecurityPolicy;
  values: Values;
}

export function valuesOf(p: OrgSecurityPolicy): Values {
  return {
    requireTwoFactor: p.require_two_factor,
    idleLimited: p.session_idle_timeout_minutes !== null,
    idleMinutes: String(p.session_idle_timeout_minutes ?? 60),
    minPasswordLength: String(p.min_password_length),
  };
}

const drafts = $state<Record<string, Draft>>({});

/** The draft for an org, started from `policy` if there is none or it was clean. */
export function draftFor(orgId: string, policy: OrgSecurityPolicy): Draft {
  const existing = drafts[orgId];
  if (existing && isDirty(existing)) return existing;
  return resetDraft(orgId, policy);
}

/** The unsaved draft for an org, if any (shown before the policy has loaded). */
export function pendingDraft(orgId: string): Draft | null {
  const d = drafts[orgId];
  return d && isDirty(d) ? d : null;
}

export function resetDraft(orgId: string, policy: OrgSecurityPolicy): Draft {
  drafts[orgId] = { base: policy, values: valuesOf(policy) };
  return drafts[orgId]!;
}

/** Only what the form could have changed: the base's values and the draft's, compared. */
export function isDirty(d: Draft): boolean {
  const base = valuesOf(d.base);
  const v = d.values;
  if (v.requireTwoFactor !== base.requireTwoFactor || v.idleLimited !== base.idleLimited) return true;
  if (v.idleLimited && text(v.idleMinutes) !== text(base.idleMinutes)) return true;
  return text(v.minPasswordLength) !== text(base.minPasswordLength);
}

function whole(e: Entry): number | null {
  const t = text(e);
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** Field errors, by the server's field names. */
export function check(v: Values): Record<string, string> {
  const errors: Record<string, string> = {};
  if (v.idleLimited) {
    const m = whole(v.idleMinutes);
    if (m === null || m < IDLE_MIN || m > IDLE_MAX)
      errors.session_idle_timeout_minutes = `Use ${IDLE_MIN} to ${IDLE_MAX.toLocaleString('en')} minutes (30 days).`;
  }
  const n = whole(v.minPasswordLength);
  if (n === null || n < PASSWORD_FLOOR || n > PASSWORD_CEILING)
    errors.min_password_length = `Use ${PASSWORD_FLOOR} to ${PASSWORD_CEILING} characters.`;
  return errors;
}

/** The request for a valid draft. */
export function requestOf(v: Values): UpdateOrgSecurityPolicy {
  return {
    require_two_factor: v.requireTwoFactor,
    session_idle_timeout_minutes: v.idleLimited ? whole(v.idleMinutes) : null,
    min_password_length: whole(v.minPasswordLength) ?? PASSWORD_FLOOR,
  };
}

/** "90 minutes", "2 hours", "1 day 6 hours": how long an idle timeout is, for people. */
export function durationText(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const part = (n: number, unit: string) => (n ? [`${n} ${unit}${n === 1 ? '' : 's'}`] : []);
  return [...part(days, 'day'), ...part(hours, 'hour'), ...part(mins, 'minute')].join(' ') || '0 minutes';
}

/** Whether someone saved the policy since `base` was read. */
export function changedSince(base: OrgSecurityPolicy, now: OrgSecurityPolicy): boolean {
  return base.updated_at !== now.updated_at;
}

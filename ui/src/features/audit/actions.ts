// The audit log's actions as people read them, and a one-line summary of their details.
import type { AuditEvent, AuditFilter, Value } from '../../lib/bindings';

/** The filter form: dates as yyyy-mm-dd (local days), ids as strings, '' for any. */
export interface Filters {
  from: string;
  to: string;
  actor: string;
  action: string;
  project: string;
}

export function noFilters(): Filters {
  return { from: '', to: '', actor: '', action: '', project: '' };
}

/** Local midnight of a yyyy-mm-dd day, `days` later, as RFC 3339. */
function dayStart(day: string, days = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days).toISOString();
}

/** The server's filter: `to` is exclusive, so the whole "to" day is included. */
export function toAuditFilter(f: Filters): AuditFilter {
  return {
    from: f.from ? dayStart(f.from) : null,
    to: f.to ? dayStart(f.to, 1) : null,
    actor: f.actor || null,
    action: f.action || null,
    project: f.project || null,
  };
}

export const ACTIONS: Record<string, string> = {
  'org.created': 'Organization created',
  'org.updated': 'Settings changed',
  'org.logo_updated': 'Logo changed',
  'org.logo_removed': 'Logo removed',
  'org.ownership_transferred': 'Ownership transferred',
  'org.deleted': 'Organization deleted',
  'member.role_changed': 'Role changed',
  'member.scope_changed': 'Project scope changed',
  'member.removed': 'Member removed',
  'member.left': 'Member left',
  'invitation.created': 'Invitation sent',
  'invitation.resent': 'Invitation resent',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'invitation.declined': 'Invitation declined',
  'project.created': 'Project created',
  'project.updated': 'Project changed',
  'project.suspended': 'Project suspended',
  'project.unsuspended': 'Project unsuspended',
  'project.archived': 'Project archived',
  'project.restored': 'Project restored',
  'project.deleted': 'Project deleted',
};

/** "Role changed"; an action we don't know yet reads "Widget frobbed" from "widget.frobbed". */
export function actionLabel(action: string): string {
  const known = ACTIONS[action];
  if (known) return known;
  const text = action.replace(/[._]/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

type Obj = { [key: string]: Value };
const isObj = (v: Value | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value in a few words: scopes, lists and objects included. */
export function short(v: Value | undefined, names: Map<string, string> = new Map()): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return names.get(v) ?? (v.length > 60 ? `${v.slice(0, 57)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'none' : `${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v.kind === 'all') return 'all projects';
  if (v.kind === 'projects' && Array.isArray(v.ids)) return `${v.ids.length} project${v.ids.length === 1 ? '' : 's'}`;
  return Object.entries(v)
    .map(([k, x]) => `${k}: ${short(x, names)}`)
    .join(', ');
}

const HIDDEN = new Set(['user_id', 'etag', 'size']);

/** "name: Acme → Acme Labs; website: — → https://…", "role: admin → member", "email: a@b.co". */
export function summarize(details: Value, names: Map<string, string> = new Map()): string {
  if (!isObj(details)) return details === null ? '' : short(details, names);
  const changes = isObj(details.changes) ? details.changes : null;
  if (changes) {
    return Object.entries(changes)
      .map(([k, c]) => (isObj(c) && 'old' in c ? `${k}: ${short(c.old, names)} → ${short(c.new, names)}` : `${k}: ${short(c, names)}`))
      .join('; ');
  }
  if ('old' in details && 'new' in details) return `${short(details.old, names)} → ${short(details.new, names)}`;
  // A transition (project status, ownership): "active → suspended", "Ana → Lee", then the rest.
  const transition = 'from' in details && 'to' in details ? [`${short(details.from, names)} → ${short(details.to, names)}`] : [];
  const rest = Object.entries(details)
    .filter(([k]) => !transition.length || (k !== 'from' && k !== 'to'))
    .filter(([k, v]) => !HIDDEN.has(k) && !(typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) && !names.has(v)))
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${short(v, names)}`);
  return [...transition, ...rest].join('; ');
}

/** What the event happened to, named as well as we can: "Project", "Brand refresh". */
export function targetOf(e: AuditEvent, names: Map<string, string>): { kind: string; name: string | null } {
  const d = isObj(e.details) ? e.details : {};
  const named =
    (e.target_id && names.get(e.target_id)) ||
    (typeof d.name === 'string' && d.name) ||
    (typeof d.email === 'string' && d.email) ||
    (typeof d.display_name === 'string' && d.display_name);
  const kind = e.target_type.replace(/_/g, ' ');
  return { kind: kind.charAt(0).toUpperCase() + kind.slice(1), name: named || null };
}

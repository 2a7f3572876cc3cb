// The audit log's actions as people read them, and a one-line summary of their details.
import { AUDIT_ACTION_LABELS, AUDIT_ACTOR_KIND_LABELS, type AuditAction, type AuditEvent, type AuditFilter, type AuditTarget, type Value } from '../../lib/bindings';
import { plural, withArticle } from '../../lib/format';

/** The filter form: dates as yyyy-mm-dd (local days), ids as strings, '' for any. */
export interface Filters {
  from: string;
  to: string;
  actor: string;
  action: AuditAction | '';
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

/** Every action with its label, in the order the server's catalogue lists them. */
export const ACTIONS: [AuditAction, string][] = Object.entries(AUDIT_ACTION_LABELS) as [AuditAction, string][];

/** "Role changed": labels come from the model crate through the generated bindings. */
export function actionLabel(action: AuditAction): string {
  return LABELS_BY_ACTION[action];
}

// Fails to compile when the bindings' labels and the AuditAction union drift apart.
const LABELS_BY_ACTION: Record<AuditAction, string> = AUDIT_ACTION_LABELS satisfies Record<AuditAction, string>;

type Obj = { [key: string]: Value };
const isObj = (v: Value | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: Value | undefined): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v);

/** A value in a few words: scopes, lists and objects included. */
export function short(v: Value | undefined, names: Map<string, string> = new Map()): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return names.get(v) ?? (v.length > 60 ? `${v.slice(0, 57)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    const words = v.map((x) => (typeof x === 'string' && !(isId(x) && !names.has(x)) ? (names.get(x) ?? x) : null));
    return words.every((w) => w !== null) ? words.join(', ') : plural(v.length, 'item');
  }
  if (v.kind === 'all' || v.kind === 'projects') return scopeText(v, names);
  return Object.entries(v)
    .map(([k, x]) => `${k}: ${short(x, names)}`)
    .join(', ');
}

/**
 * The projects a scope covers, by name where the page knows them: "all projects",
 * "Website, Mobile app", "Website and 1 other project", "2 projects". The server writes
 * all projects as null or "all", a list as an array of ids (older events: {kind, ids}).
 */
export function scopeText(v: Value | undefined, names: Map<string, string> = new Map()): string {
  if (v === null || v === undefined || v === 'all') return 'all projects';
  const ids = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.ids) ? v.ids : null;
  if (!ids) return isObj(v) && v.kind === 'all' ? 'all projects' : short(v, names);
  if (ids.length === 0) return 'no projects';
  const known = ids.flatMap((id) => (typeof id === 'string' && names.has(id) ? [names.get(id)!] : []));
  const others = ids.length - known.length;
  if (known.length === 0) return plural(ids.length, 'project');
  if (others === 0) return known.length <= 3 ? known.join(', ') : `${known.slice(0, 3).join(', ')} +${known.length - 3}`;
  return `${known.join(', ')} and ${plural(others, 'other project')}`;
}

/** A piece of a summary: words, or a code (a slug, a key prefix) shown unbroken. */
export type Part = string | { code: string };

const CODES = new Set(['slug', 'prefix', 'reference']);
const LABELS: Record<string, string> = { project_id: 'project' };
const HIDDEN = new Set(['user_id', 'etag', 'size']);

/** A detail's value: scopes by project name, slugs and other codes kept whole. */
function valueOf(key: string, v: Value | undefined, names: Map<string, string>): Part {
  if (key === 'project_scope' || (key === 'project_id' && v === null)) return scopeText(v, names);
  if (CODES.has(key) && typeof v === 'string' && v) return { code: v };
  return short(v, names);
}

/** Parts joined by a separator, flattened. */
function joined(groups: Part[][], sep: string): Part[] {
  return groups.flatMap((g, i) => (i === 0 ? g : [sep, ...g]));
}

/** "name: Acme → Acme Labs; website: — → https://…", "member → admin", "email: a@b.co". */
function generic(details: Value, names: Map<string, string>): Part[] {
  if (!isObj(details)) return details === null ? [] : [short(details, names)];
  const changes = isObj(details.changes) ? details.changes : null;
  if (changes) {
    return joined(
      Object.entries(changes).map(([k, c]) =>
        isObj(c) && 'old' in c ? [`${k}: `, valueOf(k, c.old, names), ' → ', valueOf(k, c.new, names)] : [`${k}: `, valueOf(k, c, names)],
      ),
      '; ',
    );
  }
  if ('old' in details && 'new' in details) return [`${short(details.old, names)} → ${short(details.new, names)}`];
  // A transition (project status, ownership): "active → suspended", "Ana → Lee", then the rest.
  const transition = 'from' in details && 'to' in details ? [[`${short(details.from, names)} → ${short(details.to, names)}`]] : [];
  const rest = Object.entries(details)
    .filter(([k]) => !transition.length || (k !== 'from' && k !== 'to'))
    .filter(([k, v]) => !HIDDEN.has(k) && !(isId(v) && !names.has(v)))
    .map(([k, v]): Part[] => [`${LABELS[k] ?? k.replace(/_/g, ' ')}: `, valueOf(k, v, names)]);
  return joined([...transition, ...rest], '; ');
}

const str = (v: Value | undefined): string | null => (typeof v === 'string' && v ? v : null);

/** What an event's details say, as a sentence where we know the action. */
export function describe(e: Pick<AuditEvent, 'action' | 'details'>, names: Map<string, string> = new Map()): Part[] {
  return (isObj(e.details) && sentence(e.action, e.details, names)) || generic(e.details, names);
}

function sentence(action: AuditAction, d: Obj, names: Map<string, string>): Part[] | null {
  const role = str(d.role);
  switch (action) {
    case 'org.ownership_transferred': {
      const from = names.get(str(d.from) ?? '') ?? 'the previous owner';
      const to = names.get(str(d.to) ?? '') ?? 'another member';
      const before = str(d.new_owner_previous_role);
      return [`From ${from} to ${to}${before ? `, who was ${withArticle(before)} before` : ''}.`];
    }
    case 'invitation.created':
      return role ? [`As ${withArticle(role)}, with access to ${scopeText(d.project_scope, names)}.`] : null;
    case 'invitation.accepted':
      return role ? [`Joined as ${withArticle(role)}.`] : null;
    case 'member.left':
      return role ? [`Was ${withArticle(role)}.`] : null;
    case 'member.removed': {
      const name = str(d.display_name);
      return role ? [name ? `${name}, ${withArticle(role)}.` : `Was ${withArticle(role)}.`] : null;
    }
    case 'member.scope_changed':
      return 'old' in d && 'new' in d ? [`${scopeText(d.old, names)} → ${scopeText(d.new, names)}`] : null;
    default:
      return null;
  }
}

/** The details as plain text (exports, titles, tests). */
export function summarize(details: Value, names: Map<string, string> = new Map()): string {
  return textOf(generic(details, names));
}

export function textOf(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.code)).join('');
}

const KINDS: Record<AuditTarget, string> = {
  org: 'Organization',
  project: 'Project',
  member: 'Member',
  invitation: 'Invitation',
  api_key: 'API key',
  webhook: 'Webhook',
};

/** What the event happened to, named as well as we can: "Project", "Brand refresh". */
export function targetOf(e: AuditEvent, names: Map<string, string>): { kind: string; name: string | null } {
  const d = isObj(e.details) ? e.details : {};
  const named =
    (e.target_id && names.get(e.target_id)) ||
    (typeof d.name === 'string' && d.name) ||
    (typeof d.email === 'string' && d.email) ||
    (typeof d.display_name === 'string' && d.display_name) ||
    (typeof d.url === 'string' && d.url);
  return { kind: KINDS[e.target_type], name: named || null };
}

/**
 * Who made a change that names no person: the server's operator, the system, or a person
 * whose account was deleted since (the entry stays, without their name).
 */
export function namelessActor(e: AuditEvent): string {
  if (e.actor_kind === 'person') return DELETED_USER;
  return AUDIT_ACTOR_KIND_LABELS[e.actor_kind === 'operator' ? 'operator' : 'system'];
}

export const DELETED_USER = 'Deleted user';

import type { ChangeState, Project, ProjectScope, QueuedChange, Role } from '../../lib/bindings';

/** Loose shape check; the server has the final word. */
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;

export interface ParsedEmails {
  valid: string[];
  invalid: string[];
}

/** Emails separated by commas, semicolons, spaces or new lines; duplicates dropped. */
export function parseEmails(text: string): ParsedEmails {
  const seen = new Set<string>();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const e = raw.trim().replace(/^<|>$/g, '');
    if (!e) continue;
    const key = e.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    (EMAIL.test(e) ? valid : invalid).push(e);
  }
  return { valid, invalid };
}

/** "All projects", or the names of the projects in scope. */
export function scopeLabel(scope: ProjectScope, projects: Map<string, Project>): string {
  if (scope.kind === 'all') return 'All projects';
  if (scope.ids.length === 0) return 'No projects';
  const names = scope.ids.map((id) => projects.get(id)?.name ?? 'a removed project');
  return names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
}

/** What a picked set of project ids means: none picked is every project. */
export function scopeOf(ids: string[]): ProjectScope {
  return ids.length === 0 ? { kind: 'all' } : { kind: 'projects', ids };
}

/** One email of invitations queued to be sent: not on the server yet, shown as waiting. */
export interface PendingInvitation {
  /** The queued change's id and the email: unique in the list. */
  key: string;
  email: string;
  role: Role;
  project_scope: ProjectScope;
  state: ChangeState;
  created_at: string;
}

/** The invitations waiting in these queued changes, one per email, in the order queued. */
export function pendingInvitations(changes: QueuedChange[]): PendingInvitation[] {
  return changes.flatMap((c) => {
    if (c.change.kind !== 'invite_members') return [];
    const { emails, role, project_scope } = c.change.input;
    return emails.map((email) => ({
      key: `${c.id}:${email}`,
      email,
      role,
      project_scope: project_scope ?? { kind: 'all' as const },
      state: c.state,
      created_at: c.created_at,
    }));
  });
}

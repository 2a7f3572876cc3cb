import type { ChangeState, Project, ProjectStatus, QueuedChange, UpdateProjectRequest } from '../../lib/bindings';

export type Action = 'rename' | 'suspend' | 'unsuspend' | 'archive' | 'restore' | 'delete';

export type Filter = 'all' | ProjectStatus;

export const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
  { value: 'archived', label: 'Archived' },
];

export const STATUS_LABEL: Record<ProjectStatus, string> = {
  active: 'Active',
  suspended: 'Suspended',
  archived: 'Archived',
};

export function countByStatus(list: Project[]): Record<Filter, number> {
  const c = { all: list.length, active: 0, suspended: 0, archived: 0 };
  for (const p of list) c[p.status] += 1;
  return c;
}

/** Archived projects don't count toward the plan's project limit. */
export function countTowardLimit(list: Project[]): number {
  return list.filter((p) => p.status !== 'archived').length;
}

/** Active first, then suspended, then archived; by name within each. */
export function sortProjects(list: Project[]): Project[] {
  const rank: Record<ProjectStatus, number> = { active: 0, suspended: 1, archived: 2 };
  return [...list].sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
  );
}

/** The project as it will be once a queued edit is sent: shown meanwhile. */
export function patchedProject(p: Project, patch: UpdateProjectRequest): Project {
  const next = { ...p };
  if (patch.name) next.name = patch.name;
  if (patch.slug) next.slug = patch.slug;
  if (patch.description !== undefined) next.description = patch.description || null;
  return next;
}

/** A project queued to be created: not on the server yet, shown as waiting. */
export interface PendingProject {
  /** The queued change's id. */
  id: number;
  name: string;
  description: string | null;
  state: ChangeState;
  created_at: string;
}

/** The projects waiting in these queued changes to be created, in the order queued. */
export function pendingProjects(changes: QueuedChange[]): PendingProject[] {
  return changes.flatMap((c) =>
    c.change.kind === 'create_project'
      ? [{ id: c.id, name: c.change.input.name, description: c.change.input.description || null, state: c.state, created_at: c.created_at }]
      : [],
  );
}

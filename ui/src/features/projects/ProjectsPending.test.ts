import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { emit } from '@tauri-apps/api/event';
import { backend, membership, org, queuedChange, reset, status } from '../../test/ipc';
import type { Project, QueuedChange } from '../../lib/bindings';
import { connectivity } from '../../lib/connectivity.svelte';
import { outbox } from '../../lib/outbox.svelte';
import { dispatchRefreshed, orgData } from '../../lib/refresh';
import { toasts } from '../../lib/toast.svelte';
import ProjectsPage from './ProjectsPage.svelte';

const o = org({ id: 'o1' });
const web: Project = {
  id: 'web', org_id: 'o1', slug: 'web', name: 'Website', description: null, status: 'active', suspended_reason: null,
  version: 1, created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-02T10:00:00Z',
};
const brand: Project = { ...web, id: 'brand', slug: 'brand', name: 'Brand' };
const creation = (over: Partial<QueuedChange> = {}) =>
  queuedChange({
    id: 4,
    org_id: 'o1',
    change: { kind: 'create_project', org_id: 'o1', input: { name: 'Brand', slug: null, description: 'The new look' } },
    summary: 'Create project Brand',
    ...over,
  });
const base = {
  plan_limits: () => ({ projects: 3, seats: 5, owned_orgs: 1, audit_retention_days: 30 }),
  preview_slug: (a: Record<string, unknown>) => String(a.name).toLowerCase(),
};

const pendingRows = () => screen.queryAllByTestId('project-row-pending');

beforeEach(() => {
  toasts.splice(0);
  connectivity.status = status({ online: false, queued: 0 });
});
afterEach(() => {
  cleanup();
  reset();
  connectivity.clear();
  outbox.clear();
});

describe('ProjectsPage, projects waiting to be created', () => {
  it('shows a queued creation as a pending row, then the real one once it is applied', async () => {
    let queue: QueuedChange[] = [];
    let list = [web];
    const calls = backend(
      {
        ...base,
        list_projects: () => list,
        list_outbox: () => queue,
        create_project: () => {
          queue = [creation()];
          return { status: 'queued', change: queue[0] };
        },
      },
      { events: true },
    );
    await outbox.load();
    const stop = await outbox.listen();
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    expect(pendingRows()).toHaveLength(0);

    await user.click(screen.getByTestId('project-create'));
    const dialog = await screen.findByTestId('create-project-dialog');
    await user.type(within(dialog).getByLabelText('Name'), 'Brand');
    await user.click(within(dialog).getByTestId('create-project-submit'));
    expect(calls.of('create_project')).toHaveLength(1);

    const row = await screen.findByTestId('project-row-pending');
    expect(within(row).getByTestId('project-name')).toHaveTextContent(/^Brand$/);
    expect(row).toHaveTextContent('The new look');
    expect(within(row).getByTestId('queued-chip')).toHaveTextContent(/^Waiting to be sent$/);
    expect(within(row).queryByTestId('project-status')).toBeNull();
    expect(within(row).queryByTestId('project-menu')).toBeNull();
    // At the end of the list, and not counted: it is not a project yet.
    expect(screen.getByRole('list', { name: 'Projects' }).lastElementChild).toBe(row);
    expect(screen.getByTestId('project-filter-all')).toHaveTextContent(/1$/);
    expect(screen.getByTestId('project-filter-active')).toHaveTextContent(/1$/);

    // Sent: the outbox empties and the list is read again; one Brand, the real one.
    queue = [];
    list = [web, brand];
    await emit('outbox-changed', { queued: 0, attention: 0 });
    dispatchRefreshed([orgData('o1', 'projects')]);
    await vi.waitFor(() => expect(screen.getAllByTestId('project-row')).toHaveLength(2));
    await vi.waitFor(() => expect(pendingRows()).toHaveLength(0));
    expect(screen.getAllByTestId('project-name').filter((n) => n.textContent === 'Brand')).toHaveLength(1);
    stop();
  });

  it('says when one needs attention, and opens the outbox to review it', async () => {
    backend({
      ...base,
      list_projects: () => [],
      list_outbox: () => [
        creation({ state: 'refused' }),
        queuedChange({ id: 5, org_id: 'other', change: { kind: 'create_project', org_id: 'other', input: { name: 'Elsewhere' } } }),
      ],
    });
    await outbox.load();
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    // The org has no project yet, but one is on its way: no "No projects yet".
    const row = await screen.findByTestId('project-row-pending');
    expect(pendingRows()).toHaveLength(1);
    expect(screen.queryByTestId('projects-empty')).toBeNull();
    expect(within(row).getByTestId('queued-chip')).toHaveTextContent(/^Needs attention$/);

    await user.click(within(row).getByTestId('project-pending-review'));
    expect(connectivity.outboxOpen).toBe(true);

    // Only "All" shows it: it has no status yet.
    await user.click(screen.getByTestId('project-filter-active'));
    await vi.waitFor(() => expect(pendingRows()).toHaveLength(0));
    expect(screen.getByTestId('projects-empty')).toHaveTextContent('No active projects');
  });

  it('shows no review button to those who cannot manage projects', async () => {
    backend({ ...base, list_projects: () => [web], list_outbox: () => [creation()] });
    await outbox.load();
    render(ProjectsPage, { props: { membership: membership(o, 'member') } });
    const row = await screen.findByTestId('project-row-pending');
    expect(within(row).queryByTestId('project-pending-review')).toBeNull();
  });
});

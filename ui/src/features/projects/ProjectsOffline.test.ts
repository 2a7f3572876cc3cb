import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fresh, membership, offline, org, queued, reset, status } from '../../test/ipc';
import type { Project } from '../../lib/bindings';
import { connectivity } from '../../lib/connectivity.svelte';
import { dispatchRefreshed, orgData, wholeOrg } from '../../lib/refresh';
import { toasts } from '../../lib/toast.svelte';
import ProjectsPage from './ProjectsPage.svelte';

const o = org({ id: 'o1' });
const web: Project = {
  id: 'web', org_id: 'o1', slug: 'web', name: 'Website', description: null, status: 'active', suspended_reason: null,
  version: 1, created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-02T10:00:00Z',
};
const base = {
  plan_limits: () => ({ projects: 3, seats: 5, owned_orgs: 1, audit_retention_days: 30 }),
  preview_slug: (a: Record<string, unknown>) => String(a.name).toLowerCase(),
};

beforeEach(() => {
  toasts.splice(0);
  connectivity.status = status({ online: false, queued: 0 });
});
afterEach(() => {
  cleanup();
  reset();
  connectivity.clear();
});

describe('ProjectsPage offline', () => {
  it('says how old the list is when it came from this computer', async () => {
    backend({ ...base, list_projects: () => fresh([web], { from_cache: true, as_of: '2026-11-24T14:02:00Z' }) });
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    expect(screen.getByTestId('as-of')).toHaveTextContent(/^As of .*24.*Nov|Nov.*24/);
    connectivity.status = status({ online: true });
    await vi.waitFor(() => expect(screen.queryByTestId('as-of')).toBeInTheDocument()); // online too: it is older than a minute
  });

  it('shows no "as of" for an answer fresh from the server', async () => {
    connectivity.status = status({ online: true });
    backend({ ...base, list_projects: () => [web] });
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    expect(screen.queryByTestId('as-of')).toBeNull();
  });

  it('a queued creation closes the dialog and says it will be sent', async () => {
    const calls = backend({ ...base, list_projects: () => [web], create_project: () => queued({ summary: 'Create project Brand' }) });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    await user.click(screen.getByTestId('project-create'));
    const dialog = await screen.findByTestId('create-project-dialog');
    await user.type(within(dialog).getByLabelText('Name'), 'Brand');
    await user.click(within(dialog).getByTestId('create-project-submit'));
    expect(calls.of('create_project')).toHaveLength(1);
    await vi.waitFor(() => expect(screen.queryByTestId('create-project-dialog')).toBeNull());
    expect(toasts.at(-1)).toMatchObject({ kind: 'info', message: "Saved offline — will be sent when you're back online." });
    expect(toasts.some((t) => t.kind === 'error')).toBe(false);
  });

  it('a queued archive shows the project archived meanwhile', async () => {
    backend({ ...base, list_projects: () => [web], archive_project: () => queued() });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('project-row'))[0]!;
    await user.click(within(row).getByTestId('project-menu'));
    await user.click(await screen.findByTestId('project-archive'));
    await vi.waitFor(() => expect(screen.getAllByTestId('project-row')[0]).toHaveAttribute('data-status', 'archived'));
    expect(screen.queryByTestId('projects-notice')).toBeNull();
  });

  it('an online-only command offline shows the message at once', async () => {
    backend({
      ...base,
      list_projects: () => [web],
      delete_project: () => offline('You are offline. Deleting a project needs a connection.'),
    });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('project-row'))[0]!;
    await user.click(within(row).getByTestId('project-menu'));
    const del = await screen.findByTestId('project-delete');
    expect(del).toHaveAttribute('title', 'Needs a connection');
    await user.click(del);
    const dialog = await screen.findByTestId('delete-project-dialog');
    await user.type(dialog.querySelector('input[name=confirm]')!, 'web');
    await user.click(within(dialog).getByTestId('delete-project-submit'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^You are offline\. Deleting a project needs a connection\.$/,
    );
  });

  it('reads the list again, quietly, when fresher projects arrive', async () => {
    let list = [web];
    const calls = backend({ ...base, list_projects: () => list });
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    list = [web, { ...web, id: 'app', slug: 'app', name: 'App' }];
    dispatchRefreshed([orgData('other', 'projects')]);
    dispatchRefreshed([wholeOrg('o1')]);
    await vi.waitFor(() => expect(screen.getAllByTestId('project-row')).toHaveLength(2));
    expect(calls.of('list_projects')).toHaveLength(2);
    expect(screen.queryByLabelText('Loading projects')).toBeNull();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import type { Project } from '../../lib/bindings';
import ProjectsPage from './ProjectsPage.svelte';

afterEach(reset);

const o = org({ id: 'o1', plan: 'free' });
const limits = { projects: 3, seats: 5, owned_orgs: 1, audit_retention_days: 30 };

function project(over: Partial<Project>): Project {
  return {
    id: over.slug ?? 'p',
    org_id: 'o1',
    slug: 'p',
    name: 'P',
    description: null,
    status: 'active',
    suspended_reason: null,
    version: 1,
    created_at: '2026-11-01T10:00:00Z',
    updated_at: '2026-11-02T10:00:00Z',
    ...over,
  };
}

const list = [
  project({ slug: 'web', name: 'Website' }),
  project({ slug: 'app', name: 'Mobile app', status: 'suspended', suspended_reason: 'Invoice overdue' }),
  project({ slug: 'old', name: 'Old site', status: 'archived' }),
];

const base = {
  list_projects: () => list,
  plan_limits: () => limits,
  preview_slug: (a: Record<string, unknown>) => String(a.name).toLowerCase().replace(/\s+/g, '-'),
  list_contexts: () => [membership(o)],
};

describe('ProjectsPage', () => {
  it('filters by status and shows a suspended project’s reason to members', async () => {
    backend(base);
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o, 'member') } });
    const rows = await screen.findAllByTestId('project-row');
    expect(rows.map((r) => r.dataset.slug)).toEqual(['web', 'app', 'old']);
    expect(screen.getByTestId('project-suspended-reason')).toHaveTextContent('Invoice overdue');
    expect(screen.queryByTestId('project-create')).toBeNull();
    expect(screen.queryByTestId('project-menu')).toBeNull();

    await user.click(screen.getByTestId('project-filter-archived'));
    expect(screen.getAllByTestId('project-row').map((r) => r.dataset.status)).toEqual(['archived']);
    await user.click(screen.getByTestId('project-filter-active'));
    expect(screen.getAllByTestId('project-row').map((r) => r.dataset.slug)).toEqual(['web']);
  });

  it('creates a project, showing the quota and the server’s field errors', async () => {
    let attempt = 0;
    const calls = backend({
      ...base,
      create_project: () => {
        attempt += 1;
        if (attempt === 1) fail({ code: 'validation_failed', message: 'This slug is taken.', field: 'slug' });
        return project({ slug: 'brand', name: 'Brand refresh', id: 'new' });
      },
    });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    await user.click(screen.getByTestId('project-create'));
    const dialog = await screen.findByTestId('create-project-dialog');
    expect(within(dialog).getByTestId('project-quota')).toHaveTextContent('2 of 3 projects on the free plan');

    await user.type(within(dialog).getByLabelText('Name'), 'Brand refresh');
    expect(await within(dialog).findByTestId('project-slug-preview')).toHaveTextContent('brand-refresh');
    await user.type(within(dialog).getByLabelText('Slug'), 'web');
    await user.click(within(dialog).getByTestId('create-project-submit'));
    expect(await within(dialog).findByTestId('field-error-slug')).toHaveTextContent('taken');
    expect(within(dialog).getByLabelText('Name')).toHaveValue('Brand refresh');

    await user.clear(within(dialog).getByLabelText('Slug'));
    await user.click(within(dialog).getByTestId('create-project-submit'));
    expect(calls.of('create_project')[1]).toEqual({
      orgId: 'o1',
      input: { name: 'Brand refresh', slug: null, description: null },
    });
    await vi.waitFor(() => expect(screen.queryByTestId('create-project-dialog')).toBeNull());
    expect(screen.getAllByTestId('project-row').map((r) => r.dataset.slug)).toContain('brand');
  });

  it('will not create past the plan’s limit', async () => {
    backend({ ...base, list_projects: () => [...list, project({ slug: 'x', name: 'X' })] });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    await screen.findAllByTestId('project-row');
    await user.click(screen.getByTestId('project-create'));
    expect(await screen.findByTestId('project-quota')).toHaveTextContent('3 of 3 projects');
    expect(screen.getByTestId('create-project-submit')).toBeDisabled();
  });

  it('deletes only after the slug is typed', async () => {
    const calls = backend({ ...base, delete_project: () => null });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('project-row'))[0]!;
    await user.click(within(row).getByTestId('project-menu'));
    await user.click(await screen.findByTestId('project-delete'));
    const dialog = await screen.findByTestId('delete-project-dialog');
    const submit = within(dialog).getByTestId('delete-project-submit');
    expect(submit).toBeDisabled();
    await user.type(dialog.querySelector('input[name=confirm]')!, 'we');
    expect(submit).toBeDisabled();
    await user.type(dialog.querySelector('input[name=confirm]')!, 'b');
    expect(submit).toBeEnabled();
    await user.click(submit);
    expect(calls.of('delete_project')[0]).toEqual({ orgId: 'o1', projectId: 'web', confirm: 'web' });
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('project-row').map((r) => r.dataset.slug)).toEqual(['app', 'old']),
    );
  });

  it('explains a restore refused by the plan limit', async () => {
    backend({
      ...base,
      restore_project: () => fail({ code: 'plan_limit_reached', message: 'The plan allows 3 projects.' }),
    });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('project-row'))[2]!;
    await user.click(within(row).getByTestId('project-menu'));
    await user.click(await screen.findByTestId('project-restore'));
    expect(await screen.findByTestId('projects-notice')).toHaveTextContent('Archive or delete another project first');
  });

  it('on a stale version reloads and keeps the typed name', async () => {
    let attempt = 0;
    const calls = backend({
      ...base,
      list_projects: () =>
        attempt === 0 ? list : [project({ slug: 'web', name: 'Website 2', version: 4 }), ...list.slice(1)],
      update_project: () => {
        attempt += 1;
        if (attempt === 1) fail({ code: 'version_conflict', message: 'Changed meanwhile' });
        return project({ slug: 'web', name: 'Site', version: 5 });
      },
    });
    const user = userEvent.setup();
    render(ProjectsPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('project-row'))[0]!;
    await user.click(within(row).getByTestId('project-menu'));
    await user.click(await screen.findByTestId('project-rename'));
    const dialog = await screen.findByTestId('rename-project-dialog');
    const name = within(dialog).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Site');
    await user.click(within(dialog).getByTestId('rename-project-submit'));
    expect(await within(dialog).findByTestId('project-conflict')).toHaveTextContent('Website 2');
    expect(name).toHaveValue('Site');
    await user.click(within(dialog).getByTestId('rename-project-submit'));
    expect(calls.of('update_project')[1]).toMatchObject({ projectId: 'web', expectedVersion: 4, patch: { name: 'Site' } });
  });
});

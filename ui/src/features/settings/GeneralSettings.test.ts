import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import { workspace } from '../../lib/workspace.svelte';
import GeneralSettings from './GeneralSettings.svelte';

afterEach(reset);

const noIssues = { check_org_fields: () => [], save_location: () => null };

describe('GeneralSettings', () => {
  it('warns that links change when the slug is edited, then saves with the version', async () => {
    const base = org({ id: 's1' });
    const saved = membership({ ...base, slug: 'northwind-co', version: 2 });
    const calls = backend({ ...noIssues, update_org: () => saved });
    workspace.contexts = [membership(base)];
    const user = userEvent.setup();
    render(GeneralSettings, { props: { membership: membership(base) } });

    const slug = screen.getByLabelText('Slug');
    await user.clear(slug);
    await user.type(slug, 'northwind-co');
    expect(screen.getByTestId('slug-change-warning')).toHaveTextContent('keep working');
    await user.click(screen.getByTestId('settings-save'));

    expect(calls.of('update_org')[0]).toEqual({
      orgId: 's1',
      expectedVersion: 1,
      patch: { slug: 'northwind-co' },
    });
    expect(await screen.findByText('All changes saved.')).toBeInTheDocument();
  });

  it('on a stale version shows both versions and re-sends mine on theirs', async () => {
    const base = org({ id: 's2', name: 'Acme' });
    const theirs = { ...base, name: 'Acme (renamed)', website: 'https://acme.example', version: 5 };
    let attempt = 0;
    const calls = backend({
      ...noIssues,
      update_org: () => {
        attempt += 1;
        if (attempt === 1) fail({ code: 'version_conflict', message: 'Changed meanwhile' });
        return membership({ ...theirs, name: 'Acme Mine', version: 6 });
      },
      get_org: () => membership(theirs),
    });
    workspace.contexts = [membership(base)];
    const user = userEvent.setup();
    render(GeneralSettings, { props: { membership: membership(base) } });

    const name = screen.getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Acme Mine');
    await user.click(screen.getByTestId('settings-save'));

    const panel = await screen.findByTestId('conflict-panel');
    expect(panel).toHaveTextContent('Acme Mine');
    expect(panel).toHaveTextContent('Acme (renamed)');
    await user.click(screen.getByTestId('conflict-keep-mine'));

    expect(calls.of('update_org')[1]).toEqual({
      orgId: 's2',
      expectedVersion: 5,
      patch: { name: 'Acme Mine' },
    });
  });

  it('is read-only for members', () => {
    backend(noIssues);
    const o = org({ id: 's3' });
    render(GeneralSettings, { props: { membership: membership(o, 'member') } });
    expect(screen.getByLabelText('Name')).toBeDisabled();
    expect(screen.queryByTestId('settings-save')).toBeNull();
  });
});

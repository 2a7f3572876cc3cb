import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset } from '../../test/ipc';
import { projects } from '../../test/billing';
import type { ApiKey } from '../../lib/bindings';
import ApiKeysPage from './ApiKeysPage.svelte';

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });
const ana = { id: 'u1', email: 'ana@example.com', display_name: 'Ana Lima' };

afterEach(reset);

function key(over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 'k1',
    org_id: 'o1',
    project_id: 'pw',
    name: 'Website backend',
    prefix: 'odk_3f9a1c2e',
    scopes: ['usage:write'],
    created_by: ana,
    created_at: '2026-11-02T10:00:00Z',
    last_used_at: null,
    revoked_at: null,
    expires_at: null,
    ...over,
  };
}

const rates = {
  version: 3,
  effective_from: '2026-11-01T00:00:00Z',
  rates: [
    { modality: 'text', unit: '1,000 tokens', credits_per_unit: 2 },
    { modality: 'image', unit: 'image', credits_per_unit: 40 },
  ],
};

function base(
  keys: ApiKey[] = [
    key(),
    key({ id: 'k2', name: 'Old CI', prefix: 'Zk8pQ2mX', project_id: null, scopes: ['read'], revoked_at: '2026-11-10T10:00:00Z' }),
  ],
) {
  return {
    list_api_keys: () => keys,
    list_projects: () => projects,
    rate_card: () => rates,
  };
}

describe('ApiKeysPage', () => {
  it('lists keys by prefix, project, scopes and state, with the rate card', async () => {
    backend(base());
    render(ApiKeysPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('api-key-row');
    expect(rows.map((r) => r.dataset.name)).toEqual(['Website backend', 'Old CI']);
    expect(within(rows[0]!).getByTestId('api-key-prefix')).toHaveTextContent('odk_3f9a1c2e…');
    expect(rows[0]).toHaveTextContent('Website');
    expect(rows[0]).toHaveTextContent('Record usage');
    expect(rows[0]).toHaveTextContent('by Ana Lima');
    expect(rows[0]).toHaveTextContent('Never used');
    expect(rows[1]).toHaveTextContent('All projects');
    expect(within(rows[1]!).getByTestId('api-key-prefix')).toHaveTextContent('odk_Zk8pQ2mX…');
    expect(within(rows[1]!).getByTestId('api-key-revoked')).toBeInTheDocument();
    expect(within(rows[1]!).queryByTestId('api-key-revoke')).toBeNull();
    await vi.waitFor(() => expect(screen.getAllByTestId('rate')).toHaveLength(2));
    expect(screen.getByTestId('api-key-curl')).toHaveTextContent('-H "Idempotency-Key: <uuid>"');
    expect(screen.getByTestId('api-key-curl')).toHaveTextContent('"project":"website"');
  });

  it('shows a new key’s secret once; after closing it is gone', async () => {
    const calls = backend({
      ...base([]),
      create_api_key: (a) => ({
        key: key({ id: 'k9', name: (a.input as { name: string }).name, project_id: null, scopes: ['usage:write', 'read'] }),
        secret: 'odk_3f9a1c2e_s3cr3t-value',
      }),
    });
    const user = userEvent.setup();
    render(ApiKeysPage, { props: { membership: membership(o) } });
    await screen.findByTestId('api-keys-empty');
    await user.click(screen.getByTestId('api-key-create'));
    let dialog = await screen.findByTestId('api-key-dialog');
    const select = dialog.querySelector('select[name=project]') as HTMLSelectElement;
    expect([...select.options].map((x) => x.text)).toEqual(['All projects', 'Website', 'App']);
    await user.type(dialog.querySelector('input[name=name]')!, 'Batch jobs');
    // What `read` allows, in one line: members come without their emails.
    expect(within(dialog).getByTestId('scope-read').closest('label')).toHaveTextContent('never their emails');
    await user.click(within(dialog).getByTestId('scope-read'));
    await user.click(within(dialog).getByTestId('api-key-submit'));

    expect(await within(dialog).findByTestId('api-key-secret')).toHaveTextContent('odk_3f9a1c2e_s3cr3t-value');
    expect(dialog).toHaveTextContent('You won’t see it again');
    expect(calls.of('create_api_key')[0]).toEqual({
      orgId: 'o1',
      input: { name: 'Batch jobs', project_id: null, scopes: ['usage:write', 'read'], expires_at: null },
    });
    await vi.waitFor(() => expect(screen.getAllByTestId('api-key-row').map((r) => r.dataset.name)).toEqual(['Batch jobs']));

    await user.click(within(dialog).getByTestId('api-key-done'));
    await vi.waitFor(() => expect(screen.queryByTestId('api-key-dialog')).toBeNull());
    expect(document.body).not.toHaveTextContent('s3cr3t');
    await user.click(screen.getByTestId('api-key-create'));
    dialog = await screen.findByTestId('api-key-dialog');
    expect(within(dialog).queryByTestId('api-key-secret')).toBeNull();
    expect(document.body).not.toHaveTextContent('s3cr3t');
    expect(dialog.querySelector('input[name=name]')).toHaveValue('');
  });

  it('makes a member choose one of their projects', async () => {
    const calls = backend({
      ...base([]),
      list_projects: () => projects.slice(0, 1), // their scope
      create_api_key: () => ({ key: key(), secret: 'odk_x' }),
    });
    const user = userEvent.setup();
    render(ApiKeysPage, { props: { membership: membership(o, 'member') } });
    await screen.findByTestId('api-keys-empty');
    expect(screen.getByTestId('page-api-keys')).toHaveTextContent('Other people’s keys are not shown');
    await user.click(screen.getByTestId('api-key-create'));
    const dialog = await screen.findByTestId('api-key-dialog');
    const select = dialog.querySelector('select[name=project]') as HTMLSelectElement;
    await vi.waitFor(() => expect([...select.options].map((x) => x.text)).toEqual(['Choose a project…', 'Website']));
    await user.type(dialog.querySelector('input[name=name]')!, 'My script');
    await user.click(within(dialog).getByTestId('api-key-submit'));
    expect(await within(dialog).findByTestId('field-error-project')).toHaveTextContent('Choose one of your projects');
    expect(calls.of('create_api_key')).toHaveLength(0);

    await user.selectOptions(select, 'pw');
    await user.click(within(dialog).getByTestId('api-key-submit'));
    await vi.waitFor(() => expect(calls.of('create_api_key')).toHaveLength(1));
    expect(calls.of('create_api_key')[0]).toMatchObject({ input: { name: 'My script', project_id: 'pw', scopes: ['usage:write'] } });
  });

  it('revokes a key after confirming', async () => {
    let keys = [key()];
    const calls = backend({
      ...base(),
      list_api_keys: () => keys,
      revoke_api_key: () => {
        keys = [key({ revoked_at: '2026-11-25T10:00:00Z' })];
        return null;
      },
    });
    const user = userEvent.setup();
    render(ApiKeysPage, { props: { membership: membership(o) } });
    const [row] = await screen.findAllByTestId('api-key-row');
    await user.click(within(row!).getByTestId('api-key-revoke'));
    const dialog = await screen.findByTestId('api-key-revoke-dialog');
    expect(dialog).toHaveTextContent('Revoke “Website backend”?');
    await user.click(within(dialog).getByTestId('api-key-revoke-confirm'));
    expect(calls.of('revoke_api_key')[0]).toEqual({ orgId: 'o1', keyId: 'k1' });
    await vi.waitFor(() => expect(screen.getByTestId('api-key-row')).toHaveAttribute('data-revoked', 'true'));
  });

  it('takes an expiry, and shows when keys end and which have', async () => {
    const calls = backend({
      ...base([
        key({ id: 'k1', name: 'Nightly', expires_at: '2099-03-01T12:00:00Z' }),
        key({ id: 'k2', name: 'Old job', expires_at: '2026-01-01T00:00:00Z' }),
      ]),
      create_api_key: () => ({ key: key({ id: 'k3', name: 'Trial' }), secret: 'odk_t' }),
    });
    const user = userEvent.setup();
    render(ApiKeysPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('api-key-row');
    expect(rows.map((r) => r.dataset.name)).toEqual(['Nightly', 'Old job']);
    expect(within(rows[0]!).getByTestId('api-key-expires')).toHaveTextContent('Expires');
    expect(rows[0]).toHaveAttribute('data-expired', 'false');
    expect(within(rows[1]!).getByTestId('api-key-expired')).toHaveTextContent('Expired');
    expect(rows[1]).toHaveAttribute('data-expired', 'true');

    await user.click(screen.getByTestId('api-key-create'));
    const dialog = await screen.findByTestId('api-key-dialog');
    await user.type(dialog.querySelector('input[name=name]')!, 'Trial');
    await user.selectOptions(within(dialog).getByTestId('api-key-expiry'), 'date');
    const day = within(dialog).getByTestId('api-key-expiry-date');
    await user.type(day, '2020-05-01');
    await user.click(within(dialog).getByTestId('api-key-submit'));
    expect(await within(dialog).findByTestId('field-error-expires_at')).toHaveTextContent('Choose a day from today on.');
    expect(calls.of('create_api_key')).toHaveLength(0);

    await user.selectOptions(within(dialog).getByTestId('api-key-expiry'), '30');
    const before = Date.now();
    await user.click(within(dialog).getByTestId('api-key-submit'));
    await vi.waitFor(() => expect(calls.of('create_api_key')).toHaveLength(1));
    const sent = (calls.of('create_api_key')[0]!.input as { expires_at: string }).expires_at;
    const days = (new Date(sent).getTime() - before) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, queuedChange, reset, status } from '../../test/ipc';
import type { QueuedChange } from '../../lib/bindings';
import { connectivity } from '../../lib/connectivity.svelte';
import { outbox as store } from '../../lib/outbox.svelte';
import { workspace } from '../../lib/workspace.svelte';
import OutboxPanel from './OutboxPanel.svelte';

const acme = org({ id: 'a', name: 'Acme Studio', slug: 'acme' });
const globex = org({ id: 'g', name: 'Globex', slug: 'globex' });

const conflict = queuedChange({
  id: 7,
  org_id: 'a',
  change: { kind: 'update_org', org_id: 'a', expected_version: 1, patch: { name: 'Acme Labs', website: 'https://acme.dev' } },
  summary: 'Rename Acme Studio to Acme Labs',
  state: 'conflict',
  attempts: 1,
  problem: {
    error: { code: 'version_conflict', message: 'Changed meanwhile' },
    theirs: { ...acme, name: 'Acme Works', version: 2 },
  },
});
const refused = queuedChange({
  id: 8,
  org_id: 'g',
  change: { kind: 'archive_project', org_id: 'g', project_id: 'p1' },
  summary: 'Archive project Website',
  state: 'refused',
  attempts: 1,
  problem: { error: { code: 'forbidden', message: 'Your role no longer allows this.' }, theirs: null },
});
const pending = queuedChange({ id: 9, org_id: 'a', summary: 'Top up 5,000 credits', state: 'pending' });

let outbox: QueuedChange[] = [];

function setup() {
  outbox = [conflict, refused, pending];
  const drop = (id: unknown) => (outbox = outbox.filter((c) => c.id !== id));
  return backend(
    {
      list_outbox: () => outbox,
      keep_mine: (a) => (drop(a.id), null),
      discard_change: (a) => (drop(a.id), null),
    },
    { events: true },
  );
}

beforeEach(() => {
  workspace.contexts = [membership(acme), membership(globex, 'admin')];
  connectivity.status = status({ queued: 3, attention: 2 });
  connectivity.outboxOpen = true;
});
afterEach(() => {
  cleanup();
  reset();
  connectivity.clear();
  store.clear();
});

const item = (id: number) => screen.getAllByTestId('outbox-item').find((e) => e.dataset.id === String(id))!;

describe('OutboxPanel', () => {
  it('lists changes by org with their state, and a conflict as mine vs theirs', async () => {
    setup();
    render(OutboxPanel);
    const panel = await screen.findByTestId('outbox-panel');
    await within(panel).findAllByTestId('outbox-item');
    expect(within(panel).getByRole('region', { name: 'Acme Studio' })).toBeInTheDocument();
    expect(within(panel).getByRole('region', { name: 'Globex' })).toBeInTheDocument();
    expect(screen.getAllByTestId('outbox-item').map((e) => e.dataset.state)).toEqual(['conflict', 'pending', 'refused']);

    const diff = within(item(7)).getByTestId('outbox-diff');
    const name = diff.querySelector('tr[data-field=name]')!;
    expect(name.querySelector('.mine')).toHaveTextContent('Acme Labs');
    expect(name.querySelector('.theirs')).toHaveTextContent('Acme Works');
    expect(diff.querySelector('tr[data-field=website] .mine')).toHaveTextContent('https://acme.dev');
    expect(diff.querySelector('tr[data-field=description]')).toBeNull();
    expect(within(item(8)).getByTestId('outbox-problem')).toHaveTextContent('Your role no longer allows this.');
  });

  it('keeps mine, takes theirs and discards through the right commands', async () => {
    const calls = setup();
    const user = userEvent.setup();
    render(OutboxPanel);
    await screen.findAllByTestId('outbox-item');

    await user.click(within(item(7)).getByTestId('outbox-keep-mine'));
    expect(calls.of('keep_mine')).toEqual([{ id: 7 }]);
    await vi.waitFor(() => expect(screen.getAllByTestId('outbox-item')).toHaveLength(2));

    await user.click(within(item(8)).getByTestId('outbox-discard'));
    expect(calls.of('discard_change')).toEqual([{ id: 8 }]);
    await vi.waitFor(() => expect(screen.getAllByTestId('outbox-item')).toHaveLength(1));

    // A pending change is discarded only after a confirmation.
    await user.click(within(item(9)).getByTestId('outbox-discard'));
    expect(calls.of('discard_change')).toHaveLength(1);
    await user.click(within(item(9)).getByTestId('outbox-discard-confirm'));
    expect(calls.of('discard_change')).toEqual([{ id: 8 }, { id: 9 }]);
    expect(await screen.findByTestId('outbox-empty')).toBeInTheDocument();
  });

  it('takes theirs on a conflict by discarding mine', async () => {
    const calls = setup();
    const user = userEvent.setup();
    render(OutboxPanel);
    await screen.findAllByTestId('outbox-item');
    await user.click(within(item(7)).getByTestId('outbox-take-theirs'));
    expect(calls.of('discard_change')).toEqual([{ id: 7 }]);
    expect(calls.of('keep_mine')).toHaveLength(0);
  });
});

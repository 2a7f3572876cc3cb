import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, membership, org, reset } from '../../test/ipc';
import { workspace } from '../../lib/workspace.svelte';
import ContextSwitcher from './ContextSwitcher.svelte';
import { switcher } from './switcher.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const northwind = membership(org({ id: 'n', name: 'Northwind Traders', slug: 'northwind' }), 'admin');
const globex = membership(org({ id: 'g', name: 'Globex Studio', slug: 'globex' }), 'member');

beforeEach(() => {
  backend({ save_location: () => null });
  workspace.contexts = [personal, globex, northwind];
  workspace.currentId = 'n';
  switcher.open = false;
});
afterEach(reset);

describe('ContextSwitcher', () => {
  it('shows the current context and lists every context with its role', async () => {
    const user = userEvent.setup();
    render(ContextSwitcher);
    expect(screen.getByTestId('current-context-name')).toHaveTextContent('Northwind Traders');
    await user.click(screen.getByTestId('switcher-trigger'));
    const items = await screen.findAllByTestId('switcher-item');
    expect(items.map((i) => i.dataset.slug)).toEqual(['personal-ana', 'globex', 'northwind']);
    expect(items[0]).toHaveTextContent('Personal');
    expect(items[1]).toHaveTextContent('member');
    expect(items[2]).toHaveAttribute('data-current', 'true');
  });

  it('filters as you type and switches on Enter', async () => {
    const user = userEvent.setup();
    render(ContextSwitcher);
    await user.click(screen.getByTestId('switcher-trigger'));
    await user.type(await screen.findByTestId('switcher-filter'), 'glob');
    const items = screen.getAllByTestId('switcher-item');
    expect(items.map((i) => i.dataset.slug)).toEqual(['globex']);
    await user.keyboard('{Enter}');
    expect(workspace.currentId).toBe('g');
    expect(switcher.open).toBe(false);
  });
});

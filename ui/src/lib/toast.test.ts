import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { backend, reset } from '../test/ipc';
import type { SessionInfo } from './bindings';
import Toasts from './components/Toasts.svelte';
import { MAX_TOASTS, clearToasts, toast, toasts } from './toast.svelte';
import { workspace } from './workspace.svelte';

const session = (id: string, email: string): SessionInfo => ({
  me: { user: { id, email, display_name: email, created_at: '' }, personal_org_id: `${id}-p`, session_expires_at: '', email_verified: true },
  server: { kind: 'embedded' },
  token_storage: { kind: 'keychain' },
  location: null,
});

beforeEach(() => {
  vi.useFakeTimers();
  clearToasts();
});
afterEach(() => {
  vi.useRealTimers();
  reset();
});

const shown = () => screen.queryAllByTestId('toast').map((t) => t.textContent?.trim());

describe('toasts', () => {
  it(`shows at most ${MAX_TOASTS}, newest on top`, async () => {
    render(Toasts);
    for (const m of ['Org is ready.', 'Website is ready.', 'App is ready.', 'App is suspended.']) toast(m);
    await vi.advanceTimersByTimeAsync(0);
    expect(shown()).toEqual(['App is suspended.', 'App is ready.', 'Website is ready.']);
    expect(toasts).toHaveLength(3);
  });

  it('lets a confirmation go after about 3 seconds and keeps a failure longer', async () => {
    render(Toasts);
    toast('Saved.');
    toast('The server cannot be reached.', 'error');
    await vi.advanceTimersByTimeAsync(3100);
    expect(shown()).toEqual(['The server cannot be reached.']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(shown()).toEqual(['The server cannot be reached.']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(shown()).toEqual([]);
  });

  it('clears them on sign-out, so the next account never sees them', async () => {
    backend({ sign_out: () => null, list_contexts: () => [] });
    workspace.session = session('ada', 'ada@example.com');
    toast('Cy Chen now owns Northwind Traders. You are an admin.');
    toast('Could not copy.', 'error');
    await workspace.signOut();
    expect(toasts).toEqual([]);
  });

  it('clears them when another account signs in', async () => {
    backend({ list_contexts: () => [] });
    toast('You left Northwind Traders.');
    await workspace.enter(session('bo', 'bo@example.com'));
    expect(toasts).toEqual([]);
  });
});

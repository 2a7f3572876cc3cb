import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { emit } from '@tauri-apps/api/event';
import { backend, reset, status } from '../../test/ipc';
import { connectivity } from '../../lib/connectivity.svelte';
import OfflineBanner from './OfflineBanner.svelte';

beforeEach(() => connectivity.clear());
afterEach(() => {
  cleanup();
  reset();
});

describe('OfflineBanner', () => {
  it('shows nothing while online with nothing to look at', async () => {
    backend({ connectivity_status: () => status() });
    await connectivity.load();
    render(OfflineBanner);
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    expect(screen.queryByTestId('outbox-open')).toBeNull();
  });

  it('shows the queued count offline, retries with progress, and follows the events', async () => {
    let answer!: (v: unknown) => void;
    const calls = backend(
      {
        connectivity_status: () => status({ online: false, queued: 3 }),
        check_connection: () => new Promise((r) => (answer = r)),
      },
      { events: true },
    );
    await connectivity.load();
    const stop = await connectivity.listen();
    const user = userEvent.setup();
    render(OfflineBanner);
    const banner = screen.getByTestId('offline-banner');
    expect(banner).toHaveTextContent(/You're offline since .+ — showing what this computer saw last/);
    expect(screen.getByTestId('offline-queued-count')).toHaveTextContent(/^3$/);
    expect(banner).toHaveTextContent('3 changes will be sent when the connection is back.');
    expect(screen.getByTestId('outbox-open')).toHaveTextContent('Review changes');

    await user.click(screen.getByTestId('offline-retry'));
    expect(calls.of('check_connection')).toHaveLength(1);
    expect(screen.getByTestId('offline-retry')).toBeDisabled();
    expect(screen.getByTestId('offline-retry')).toHaveTextContent('Trying…');
    answer(status({ online: false, queued: 3 }));
    await vi.waitFor(() => expect(screen.getByTestId('offline-retry')).toHaveTextContent('Try again'));
    expect(screen.getByTestId('offline-retry')).toBeEnabled();

    await emit('outbox-changed', { queued: 1, attention: 0 });
    await vi.waitFor(() => expect(screen.getByTestId('offline-queued-count')).toHaveTextContent(/^1$/));
    expect(screen.getByTestId('offline-banner')).toHaveTextContent('1 change will be sent');

    await emit('connectivity-changed', status({ online: true, queued: 0 }));
    await vi.waitFor(() => expect(screen.queryByTestId('offline-banner')).toBeNull());
    stop();
  });

  it('says changes are kept only until quitting without a keychain', async () => {
    backend({ connectivity_status: () => status({ online: false, queued: 1, durable: false }) });
    await connectivity.load();
    render(OfflineBanner);
    expect(screen.getByTestId('offline-not-durable')).toHaveTextContent('kept only until you quit');
  });

  it('online, points to changes that need attention', async () => {
    backend({ connectivity_status: () => status({ queued: 2, attention: 2 }) });
    await connectivity.load();
    const user = userEvent.setup();
    render(OfflineBanner);
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    expect(screen.getByTestId('outbox-attention')).toHaveTextContent('2 changes need your attention');
    await user.click(screen.getByTestId('outbox-open'));
    expect(connectivity.outboxOpen).toBe(true);
  });
});

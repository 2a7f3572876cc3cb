// Whether the server answers, and what waits in the outbox. Loaded at start, kept current
// by the backend's `connectivityChanged` and `outboxChanged` events. Until the first answer
// we assume online: nothing is said about being offline that we do not know.
import { commands, events, type ConnectivityStatus } from './bindings';
import { call } from './ipc';

class Connectivity {
  status = $state<ConnectivityStatus | null>(null);
  /** "Try again" is running. */
  checking = $state(false);
  /** The outbox panel is open (the banner and the panel share this). */
  outboxOpen = $state(false);

  online = $derived(this.status?.online ?? true);
  queued = $derived(this.status?.queued ?? 0);
  attention = $derived(this.status?.attention ?? 0);
  durable = $derived(this.status?.durable ?? true);

  /** Reads the status now (after start and sign-in); a failure keeps what we had. */
  async load(): Promise<ConnectivityStatus | null> {
    try {
      this.status = await call(commands.connectivityStatus());
    } catch (e) {
      console.warn('connectivity status unknown', e);
    }
    return this.status;
  }

  /** The banner's "Try again": asks the server now (queued changes go if it answers). */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.status = await call(commands.checkConnection());
    } finally {
      this.checking = false;
    }
  }

  /** Follows the backend's events; resolves to a function that stops listening. */
  async listen(): Promise<() => void> {
    const stops = await Promise.all([
      events.connectivityChanged.listen((e) => (this.status = e.payload)),
      events.outboxChanged.listen((e) => {
        const { queued, attention } = e.payload;
        if (this.status) this.status = { ...this.status, queued, attention };
        else void this.load();
      }),
    ]);
    // Unlistening is asynchronous and may fail harmlessly when the window is going away.
    return () => {
      for (const stop of stops) void Promise.resolve(stop() as unknown).catch(() => {});
    };
  }

  /** Forgets everything (sign-out): the next account reads its own. */
  clear(): void {
    this.status = null;
    this.outboxOpen = false;
  }
}

export const connectivity = new Connectivity();

// The changes waiting in the outbox, one list for the whole app: read after sign-in, read
// again whenever the backend says the outbox changed. The outbox panel lists them all;
// pages show what waits for them (a project being created, invitations being sent).
import { commands, events, type QueuedChange } from './bindings';
import { explain } from './errors';
import { call } from './ipc';

class Outbox {
  /** Every queued change, in the order queued; null until first read. */
  items = $state<QueuedChange[] | null>(null);
  /** Why the last read failed (what we had is kept). */
  error = $state<string | null>(null);
  /** Only the latest read's answer counts: an older one arriving late is ignored. */
  private seq = 0;

  /** Reads the outbox now; a failure keeps what we had and says why in `error`. */
  async load(): Promise<QueuedChange[] | null> {
    const n = ++this.seq;
    try {
      const list = await call(commands.listOutbox());
      if (n === this.seq) {
        this.items = list;
        this.error = null;
      }
    } catch (e) {
      if (n === this.seq) this.error = explain(e);
    }
    return this.items;
  }

  /** The changes waiting for one org, in the order queued. */
  forOrg(orgId: string): QueuedChange[] {
    return (this.items ?? []).filter((c) => c.org_id === orgId);
  }

  /**
   * A write answered "queued": show it at once, then read the outbox again (it may have
   * been sent meanwhile). Nothing happens before the outbox was first read.
   */
  note(change: QueuedChange): void {
    if (!this.items) return;
    if (!this.items.some((c) => c.id === change.id)) this.items = [...this.items, change];
    void this.load();
  }

  /** Follows the backend's `outboxChanged`; resolves to a function that stops listening. */
  async listen(): Promise<() => void> {
    const stop = await events.outboxChanged.listen(() => void this.load());
    // Unlistening is asynchronous and may fail harmlessly when the window is going away.
    return () => void Promise.resolve(stop() as unknown).catch(() => {});
  }

  /** Forgets everything (sign-out); a read still running is ignored. */
  clear(): void {
    this.seq += 1;
    this.items = null;
    this.error = null;
  }
}

export const outbox = new Outbox();

// The ledger, one server page at a time (newest first): filters are applied by the server;
// a newer query makes older answers irrelevant.
import { commands, type LedgerEntry, type LedgerFilter } from '../../lib/bindings';
import { callOrg } from '../../lib/access';
import { explain } from '../../lib/errors';

export class Ledger {
  // Raw: pages are replaced, never mutated, so a long ledger costs no deep proxies.
  items = $state.raw<LedgerEntry[]>([]);
  cursor = $state<string | null>(null);
  done = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  filter = $state<LedgerFilter>({ kind: null, project: null, from: null, to: null });
  #generation = 0;

  constructor(readonly orgId: string) {}

  get hasMore(): boolean {
    return !this.done;
  }

  get filtered(): boolean {
    return !!(this.filter.kind || this.filter.project || this.filter.from || this.filter.to);
  }

  /** Starts over with a new filter (or the same one, to refresh). */
  async reload(filter: LedgerFilter = this.filter): Promise<void> {
    this.filter = filter;
    this.items = [];
    this.cursor = null;
    this.done = false;
    this.loading = false;
    this.error = null;
    this.#generation += 1;
    await this.more();
  }

  /** Loads the next page, unless one is loading or there is none. */
  async more(): Promise<void> {
    if (this.loading || this.done) return;
    const generation = this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await callOrg(this.orgId, commands.ledger(this.orgId, this.filter, this.cursor));
      if (generation !== this.#generation) return;
      this.items = this.items.concat(page.items);
      this.cursor = page.next_cursor ?? null;
      this.done = !page.next_cursor;
    } catch (e) {
      if (generation === this.#generation) this.error = explain(e);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}

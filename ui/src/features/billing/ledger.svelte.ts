// The ledger, one server page at a time (newest first): filters are applied by the server;
// a newer query makes older answers irrelevant.
import { commands, type Fresh, type Page, type LedgerEntry, type LedgerFilter } from '../../lib/bindings';
import { callOrg } from '../../lib/access';
import { explain } from '../../lib/errors';
import { stampOf, type Stamp } from '../../lib/outcome';

export class Ledger {
  // Raw: pages are replaced, never mutated, so a long ledger costs no deep proxies.
  items = $state.raw<LedgerEntry[]>([]);
  cursor = $state<string | null>(null);
  done = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  filter = $state<LedgerFilter>({ kind: null, project: null, from: null, to: null });
  /** When the first page is from (the store may answer first). */
  stamp = $state<Stamp | null>(null);
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

  /**
   * Fresher entries arrived: reads again as many entries as are shown, then swaps them in
   * at once (no empty list in between). A failure keeps what is shown.
   */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    const want = Math.max(1, this.items.length);
    let items: LedgerEntry[] = [];
    let cursor: string | null = null;
    let stamp: Stamp | null = null;
    try {
      do {
        const fresh: Fresh<Page<LedgerEntry>> = await callOrg(this.orgId, commands.ledger(this.orgId, this.filter, cursor));
        stamp ??= stampOf(fresh);
        items = items.concat(fresh.value.items);
        cursor = fresh.value.next_cursor ?? null;
      } while (cursor && items.length < want);
    } catch (e) {
      console.warn('ledger not refreshed', e);
      return;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
    if (generation !== this.#generation) return;
    this.items = items;
    this.cursor = cursor;
    this.done = !cursor;
    this.stamp = stamp;
    this.error = null;
  }

  /** Loads the next page, unless one is loading or there is none. */
  async more(): Promise<void> {
    if (this.loading || this.done) return;
    const generation = this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const fresh = await callOrg(this.orgId, commands.ledger(this.orgId, this.filter, this.cursor));
      if (generation !== this.#generation) return;
      const page = fresh.value;
      if (this.cursor === null) this.stamp = stampOf(fresh);
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

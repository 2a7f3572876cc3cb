// A server-paged list (members, ledger entries, …), one page at a time: the filter is
// applied by the server, a newer query makes older answers irrelevant, and a refresh
// swaps fresher data in without emptying the list.
import type { Fresh, Page } from './bindings';
import { callOrg } from './access';
import type { CommandResult } from './ipc';
import { explain } from './errors';
import { stampOf, type Stamp } from './outcome';

/** One page of the list, as the command answers it. */
export type FetchPage<T, F> = (
  orgId: string,
  filter: F,
  cursor: string | null,
) => Promise<CommandResult<Fresh<Page<T>>>>;

export class PagedList<T, F> {
  // Raw: pages are replaced, never mutated, so long lists cost no deep proxies.
  items = $state.raw<T[]>([]);
  cursor = $state<string | null>(null);
  done = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  filter = $state() as F;
  /** When the first page is from (the store may answer first). */
  stamp = $state<Stamp | null>(null);
  #generation = 0;

  constructor(
    readonly orgId: string,
    filter: F,
    private readonly fetchPage: FetchPage<T, F>,
  ) {
    this.filter = filter;
  }

  get hasMore(): boolean {
    return !this.done;
  }

  #page(cursor: string | null): Promise<Fresh<Page<T>>> {
    return callOrg(this.orgId, this.fetchPage(this.orgId, this.filter, cursor));
  }

  /** Starts over with a new filter (or the same one, to refresh). */
  async reload(filter: F = this.filter): Promise<void> {
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
      const fresh = await this.#page(this.cursor);
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

  /**
   * Fresher data arrived: reads again as many items as are shown, then swaps them in at
   * once (no empty list in between, the scroll stays). A failure keeps what is shown.
   */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    const want = Math.max(1, this.items.length);
    let items: T[] = [];
    let cursor: string | null = null;
    let stamp: Stamp | null = null;
    try {
      do {
        const fresh: Fresh<Page<T>> = await this.#page(cursor);
        stamp ??= stampOf(fresh);
        items = items.concat(fresh.value.items);
        cursor = fresh.value.next_cursor ?? null;
      } while (cursor && items.length < want);
    } catch (e) {
      console.warn('a list was not refreshed', e);
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
}

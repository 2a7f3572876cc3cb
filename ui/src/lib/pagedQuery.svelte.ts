// A server-paged query (members, ledger entries, audit events, …), one page at a time:
// the filter is applied by the server, a newer query makes older answers irrelevant, and
// a refresh swaps fresher data in without emptying the list. lib/components/PagedList
// shows one.
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

/** What a paged list shows and does, whatever it lists. */
export interface PagedState<T> {
  readonly items: readonly T[];
  /** The next page's cursor once a page is shown; null before the first and after the last. */
  readonly cursor: string | null;
  readonly done: boolean;
  readonly loading: boolean;
  readonly error: string | null;
  readonly hasMore: boolean;
  more(): Promise<void>;
  reload(): Promise<void>;
}

export class PagedQuery<T, F> implements PagedState<T> {
  // Raw: pages are replaced, never mutated, so long lists cost no deep proxies.
  items = $state.raw<T[]>([]);
  cursor = $state<string | null>(null);
  done = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  filter = $state() as F;
  /** When the first page is from (the store may answer first). */
  stamp = $state<Stamp | null>(null);
  /** How many pages are shown (bookkeeping, not state). */
  pages = 0;
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

  /**
   * Starts over with a new filter (or the same one, to refresh). With `keep`, what is
   * shown stays until the first page of the new query replaces it.
   */
  async reload(filter: F = this.filter, { keep = false }: { keep?: boolean } = {}): Promise<void> {
    this.filter = filter;
    if (!keep) {
      this.items = [];
      this.cursor = null;
      this.done = false;
      this.pages = 0;
    }
    this.loading = false;
    this.error = null;
    this.#generation += 1;
    await this.#read(null);
  }

  /** Loads the next page, unless one is loading or there is none. */
  async more(): Promise<void> {
    if (this.loading || this.done) return;
    await this.#read(this.cursor);
  }

  /** Reads the page at `cursor`: the first replaces what is shown, a later one adds to it. */
  async #read(cursor: string | null): Promise<void> {
    const generation = this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const fresh = await this.#page(cursor);
      if (generation !== this.#generation) return;
      const page = fresh.value;
      if (cursor === null) this.stamp = stampOf(fresh);
      this.items = cursor === null ? page.items : this.items.concat(page.items);
      this.pages = cursor === null ? 1 : this.pages + 1;
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
    let pages = 0;
    try {
      do {
        const fresh: Fresh<Page<T>> = await this.#page(cursor);
        stamp ??= stampOf(fresh);
        items = items.concat(fresh.value.items);
        cursor = fresh.value.next_cursor ?? null;
        pages += 1;
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
    this.pages = pages;
    this.error = null;
  }
}

// The member list, one server page at a time: search and role filter are applied by the
// server; a newer query makes older answers irrelevant.
import { commands, type Fresh, type Page, type Member, type MemberFilter } from '../../lib/bindings';
import { callOrg } from '../../lib/access';
import { explain } from '../../lib/errors';
import { stampOf, type Stamp } from '../../lib/outcome';

export class MemberList {
  // Raw: pages are replaced, never mutated, so 10,000 members cost no deep proxies.
  items = $state.raw<Member[]>([]);
  cursor = $state<string | null>(null);
  done = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  filter = $state<MemberFilter>({ q: null, role: null });
  /** When the first page is from (the store may answer first). */
  stamp = $state<Stamp | null>(null);
  #generation = 0;

  constructor(readonly orgId: string) {}

  get hasMore(): boolean {
    return !this.done;
  }

  /** Starts over with a new filter (or the same one, to refresh). */
  async reload(filter: MemberFilter = this.filter): Promise<void> {
    this.filter = filter;
    this.items = [];
    this.cursor = null;
    this.done = false;
    this.loading = false;
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
      const fresh = await callOrg(this.orgId, commands.listMembers(this.orgId, this.filter, this.cursor));
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
   * Fresher data arrived: reads again as many members as are shown, then swaps them in at
   * once (no empty list in between, the scroll stays). A failure keeps what is shown.
   */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    const want = Math.max(1, this.items.length);
    let items: Member[] = [];
    let cursor: string | null = null;
    let stamp: Stamp | null = null;
    try {
      do {
        const fresh: Fresh<Page<Member>> = await callOrg(this.orgId, commands.listMembers(this.orgId, this.filter, cursor));
        stamp ??= stampOf(fresh);
        items = items.concat(fresh.value.items);
        cursor = fresh.value.next_cursor ?? null;
      } while (cursor && items.length < want);
    } catch (e) {
      console.warn('members not refreshed', e);
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

  put(m: Member): void {
    const i = this.items.findIndex((x) => x.user.id === m.user.id);
    if (i >= 0) this.items = this.items.map((x, j) => (j === i ? m : x));
  }

  drop(userId: string): void {
    this.items = this.items.filter((x) => x.user.id !== userId);
  }
}

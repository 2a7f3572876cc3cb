// The member list, a server page at a time (see lib/pagedQuery), searched and filtered by
// role on the server.
import { commands, type Member, type MemberFilter } from '../../lib/bindings';
import { PagedQuery } from '../../lib/pagedQuery.svelte';

export class MemberList extends PagedQuery<Member, MemberFilter> {
  constructor(orgId: string) {
    super(orgId, { q: null, role: null }, (id, filter, cursor) => commands.listMembers(id, filter, cursor));
  }

  put(m: Member): void {
    const i = this.items.findIndex((x) => x.user.id === m.user.id);
    if (i >= 0) this.items = this.items.map((x, j) => (j === i ? m : x));
  }

  drop(userId: string): void {
    this.items = this.items.filter((x) => x.user.id !== userId);
  }
}

// The ledger, newest first, a server page at a time (see lib/pagedQuery).
import { commands, type LedgerEntry, type LedgerFilter } from '../../lib/bindings';
import { PagedQuery } from '../../lib/pagedQuery.svelte';

export class Ledger extends PagedQuery<LedgerEntry, LedgerFilter> {
  constructor(orgId: string) {
    super(orgId, { kind: null, project: null, from: null, to: null }, (id, filter, cursor) =>
      commands.ledger(id, filter, cursor),
    );
  }

  get filtered(): boolean {
    return !!(this.filter.kind || this.filter.project || this.filter.from || this.filter.to);
  }
}

// Invitations waiting for the signed-in account: listed in the context switcher, opened
// from `orgdesk://invite/<token>` links. Accepting needs the server and is never queued.
import { commands, type Membership, type ReceivedInvitation } from './bindings';
import { withArticle } from './format';
import { call } from './ipc';
import { toast } from './toast.svelte';
import { workspace } from './workspace.svelte';

class Received {
  items = $state<ReceivedInvitation[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      this.items = (await call(commands.myInvitations())).value;
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  /** Joins the org (by link token or listed id), goes to its overview, and says so. */
  async accept(tokenOrId: string, invitationId?: string): Promise<Membership> {
    const m = await call(commands.acceptInvitation(tokenOrId));
    this.drop(invitationId ?? tokenOrId, m.org.id);
    workspace.upsert(m);
    workspace.go(m.org.id, 'overview');
    toast(`You joined ${m.org.name} as ${withArticle(m.role)}.`);
    return m;
  }

  async decline(tokenOrId: string, invitationId?: string): Promise<void> {
    await call(commands.declineInvitation(tokenOrId));
    this.drop(invitationId ?? tokenOrId);
  }

  private drop(id: string, orgId?: string): void {
    this.items = this.items.filter((i) => i.id !== id && (!orgId || i.org.id !== orgId));
  }

  clear(): void {
    this.items = [];
    this.error = null;
  }
}

export const received = new Received();

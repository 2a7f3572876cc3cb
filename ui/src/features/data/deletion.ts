// Scheduling and cancelling an org's deletion: the answer (the org with or without its
// pending deletion) goes straight into the workspace, so the banner, the switcher's mark
// and the Danger zone follow at once.
import { commands, type Membership, type ScheduleDeletionRequest } from '../../lib/bindings';
import { callOrg } from '../../lib/access';
import { formatDate } from '../../lib/format';
import { workspace } from '../../lib/workspace.svelte';

/** How long the org stays, read-only, before it is deleted for good. */
export const GRACE_DAYS = 30;

export async function scheduleDeletion(orgId: string, input: ScheduleDeletionRequest): Promise<Membership> {
  const m = await callOrg(orgId, commands.scheduleOrgDeletion(orgId, input));
  workspace.upsert(m);
  return m;
}

export async function cancelDeletion(orgId: string): Promise<Membership> {
  const m = await callOrg(orgId, commands.cancelOrgDeletion(orgId));
  workspace.upsert(m);
  return m;
}

/** "Scheduled for deletion on 4 January 2027." */
export function scheduledText(m: Membership): string | null {
  const p = m.org.pending_deletion;
  return p ? `Scheduled for deletion on ${formatDate(p.purge_at)}.` : null;
}

/** Whether the signed-in person may cancel (the owner). */
export function mayCancel(m: Membership): boolean {
  return m.capabilities.includes('delete_org');
}

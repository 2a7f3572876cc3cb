// Orgs that refuse the signed-in account until it turns on two-factor sign-in (their
// security policy requires it: `mfa_required_by_org`). The shell shows a screen saying so
// in place of that org's page; other orgs and the personal context keep working. Nothing
// is remembered beyond the visit: coming back to the org asks the server again, so the
// org opens as soon as the account has enrolled.
import { workspace } from './workspace.svelte';

class OrgGate {
  /** Org ids whose pages answered `mfa_required_by_org` since we went there. */
  refused = $state<Record<string, true>>({});

  refuse(orgId: string): void {
    this.refused[orgId] = true;
  }

  isRefused(orgId: string | null | undefined): boolean {
    return !!orgId && this.refused[orgId] === true;
  }

  /** Forgets every refusal but `orgId`'s: going to an org asks anew. */
  keepOnly(orgId: string | null | undefined): void {
    for (const id of Object.keys(this.refused)) if (id !== orgId) delete this.refused[id];
  }

  clear(): void {
    this.refused = {};
  }
}

export const orgGate = new OrgGate();

/** Goes to the personal context's Account page (where two-factor sign-in is turned on). */
export function goToAccount(): void {
  workspace.go(workspace.personalId, 'account');
}

// Orgs that refuse the signed-in account until it turns on two-factor sign-in (their
// security policy requires it: `mfa_required_by_org`), or until it signs in through the
// org's own single sign-on (`sso_required`). The shell shows a screen saying so in place
// of that org's page; other orgs and the personal context keep working. Nothing is
// remembered beyond the visit: coming back to the org asks the server again, so the org
// opens as soon as the account has enrolled or signed in its way.
import { workspace } from './workspace.svelte';

/** Why an org refuses the account: two-factor missing, or not signed in by its SSO. */
export type Refusal = 'mfa' | 'sso';

class OrgGate {
  /** Org ids whose pages answered a refusal since we went there, and which. */
  refused = $state<Record<string, Refusal>>({});

  refuse(orgId: string, why: Refusal = 'mfa'): void {
    this.refused[orgId] = why;
  }

  /** Whether `orgId` refused the account (for `why`, when given). */
  isRefused(orgId: string | null | undefined, why?: Refusal): boolean {
    if (!orgId || !(orgId in this.refused)) return false;
    return why === undefined || this.refused[orgId] === why;
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

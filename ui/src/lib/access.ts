// Org-scoped commands: when one answers `not_found` (the org was deleted, or you were
// removed from it) or `forbidden` (your role changed), the workspace re-reads the contexts
// and, if the org is gone, lands in Personal with a message; `mfa_required_by_org` (the
// org requires two-factor sign-in) and `sso_required` (the org requires its single
// sign-on) put the org behind the screen that says so. Every
// feature calls org-scoped commands through `callOrg` so this holds everywhere.
import { AppError, call, type CommandResult } from './ipc';
import { orgGate } from './orgGate.svelte';
import { workspace } from './workspace.svelte';

export async function callOrg<T>(orgId: string, result: Promise<CommandResult<T>>): Promise<T> {
  try {
    return await call(result);
  } catch (e) {
    if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden')) {
      await workspace.checkAccess(orgId);
    }
    if (e instanceof AppError && e.code === 'mfa_required_by_org') orgGate.refuse(orgId, 'mfa');
    if (e instanceof AppError && e.code === 'sso_required') orgGate.refuse(orgId, 'sso');
    throw e;
  }
}

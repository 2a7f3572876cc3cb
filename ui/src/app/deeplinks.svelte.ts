// `orgdesk://` links. The backend keeps a link that arrives (or started the app) until we
// take it, so we take it only when signed in: a link that comes while signed out waits for
// the sign-in, except the account's mailed links (verify the email, reset the password),
// which work signed out.
import { commands, type AppPage, type ReceivedInvitation } from '../lib/bindings';
import { followResetLink, followVerifyLink } from '../lib/accountLinks.svelte';
import { AppError, call } from '../lib/ipc';
import { explain } from '../lib/errors';
import { toast } from '../lib/toast.svelte';
import { workspace } from '../lib/workspace.svelte';

export interface InviteLink {
  token: string;
  preview: ReceivedInvitation | null;
  error: string | null;
}

/** The invitation link being shown, if any. */
export const links = $state<{ invite: InviteLink | null }>({ invite: null });

let taking = false;
let again = false;

/** Opens every waiting link (newest wins): any, signed in; the account's mailed links,
 *  signed out. */
export async function openPendingLinks(): Promise<void> {
  if (workspace.phase === 'loading') return;
  if (taking) {
    again = true; // one arrived while we were busy: look again when done
    return;
  }
  taking = true;
  try {
    do {
      again = false;
      const signedIn = workspace.phase === 'signed-in';
      const link = await (signedIn ? commands.takeDeepLink() : commands.takeAccountLink());
      if (!link) continue;
      if (link.kind === 'org') await openOrg(link.slug, link.page);
      else if (link.kind === 'invite') await openInvite(link.token);
      else if (link.kind === 'verify_email') await followVerifyLink(link.token);
      else followResetLink(link.token);
    } while (again);
  } catch (e) {
    toast(explain(e), 'error');
  } finally {
    taking = false;
  }
}

async function openOrg(slug: string, page: AppPage): Promise<void> {
  try {
    const m = await call(commands.resolveOrg(slug));
    workspace.upsert(m);
    workspace.go(m.org.id, page);
  } catch (e) {
    const known = workspace.contexts.find((c) => c.org.slug === slug);
    if (e instanceof AppError && e.code === 'mfa_required_by_org' && known) {
      // The org needs two-factor sign-in first: go there, where the shell says so.
      workspace.go(known.org.id, page);
    } else if (e instanceof AppError && e.code === 'not_found') toast(`You don't have access to ${slug}.`, 'error');
    else toast(explain(e), 'error');
  }
}

async function openInvite(token: string): Promise<void> {
  links.invite = { token, preview: null, error: null };
  try {
    const preview = await call(commands.previewInvitation(token));
    if (links.invite?.token === token) links.invite.preview = preview;
  } catch (e) {
    if (links.invite?.token !== token) return;
    links.invite.error =
      e instanceof AppError && e.code === 'not_found'
        ? 'This invitation link is not valid. It may have been replaced by a newer link: ask the person who invited you to send it again.'
        : explain(e);
  }
}

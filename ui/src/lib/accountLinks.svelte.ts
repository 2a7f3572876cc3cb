// The account's mailed links, as the app follows them: `orgdesk://verify-email/<token>`
// confirms the email (signed in or not) and `orgdesk://reset-password/<token>` opens the
// "choose a new password" form (features/auth). Signed out, they go to the server the
// sign-in form was last pointed at (or where a reset link was just asked for).
import { commands, type Me } from './bindings';
import { explain } from './errors';
import { call } from './ipc';
import { received } from './invitations.svelte';
import { toast } from './toast.svelte';
import { workspace } from './workspace.svelte';

export const accountLinks = $state<{
  /** The reset link being followed, if any. */
  resetToken: string | null;
  /** Where the last reset link was asked for from the sign-in screen (blank: built in). */
  serverUrl: string | null;
}>({ resetToken: null, serverUrl: null });

/** The server a link is for while signed out; signed in, the account's own. */
export function linkServer(): string | null {
  if (workspace.phase === 'signed-in') return null;
  return accountLinks.serverUrl ?? workspace.startup?.hint.server_url ?? null;
}

/** Takes the account as the server has it now: the shell stops asking to verify it, and
 *  invitations (shown only to verified accounts) are read again. */
export function accountChanged(me: Me): void {
  if (!workspace.session) return;
  const wasVerified = workspace.session.me.email_verified;
  // An answer that left before a verification may arrive after it: a confirmed address
  // stays confirmed (a new address takes effect only once confirmed).
  workspace.session.me = { ...me, email_verified: me.email_verified || wasVerified };
  if (me.email_verified && !wasVerified) void received.refresh();
}

export async function followVerifyLink(token: string): Promise<void> {
  try {
    const done = await call(commands.verifyEmail(token, linkServer()));
    if (done.me) accountChanged(done.me);
    const what = done.verified.changed
      ? `Your email address is now ${done.verified.email}.`
      : `Thank you: ${done.verified.email} is confirmed.`;
    toast(done.me ? what : `${what} Sign in to continue.`);
  } catch (e) {
    toast(explain(e), 'error');
  }
}

export function followResetLink(token: string): void {
  accountLinks.resetToken = token;
}

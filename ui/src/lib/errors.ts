// Errors that say what happened and what to do next. The server's message says what
// happened; for the codes people meet in normal use we add what to do about it.
import type { ErrorCode } from './bindings';
import { AppError, messageOf } from './ipc';

const NEXT: Partial<Record<ErrorCode, string>> = {
  seat_limit_reached:
    'Every seat of the plan is taken (members plus pending invitations). Revoke a pending invitation, remove a member, or upgrade the plan.',
  plan_limit_reached:
    'The plan allows no more of these. Archive or delete one first, or upgrade the plan.',
  invitation_expired:
    'This invitation can no longer be used: it was accepted, declined or revoked, or it expired. Ask for a new one.',
  invitation_for_another_account:
    'This invitation was sent to another email address. Sign in with that account to accept it.',
  already_member: 'This person is already a member.',
  invitation_pending: 'An invitation for this email is already waiting. Resend it from the Invitations tab instead.',
  owner_must_transfer: 'The owner cannot leave. Transfer ownership to another member first.',
  server_unreachable: 'The server cannot be reached. Check your connection and try again.',
  insufficient_credits: 'The balance is too low for this. Top up credits on the Billing page, then try again.',
  plan_downgrade_blocked:
    'Archive projects, remove members or revoke invitations until usage fits the new plan, then try again.',
  spend_not_allowed: 'The spend policy of this organization does not allow this. An owner or admin can change it on the Billing page.',
  project_not_active: 'The project is suspended or archived, so it cannot spend credits. Pick an active project.',
  idempotency_key_in_flight: 'The same request is still being processed. Wait a moment, then retry.',
  forbidden: 'Your role does not allow this. Ask an owner or admin.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  mfa_required_by_org: 'Turn on two-factor sign-in for your account, then try again.',
  card_required: 'Add a card under Payment method on the Billing page, then try again.',
  payment_declined: 'No credits were added. Try another card (Replace card), or ask your bank.',
  org_pending_deletion:
    'This organization is scheduled for deletion and is read-only. Nothing you typed was lost; its owner can cancel the deletion from Settings → Danger zone.',
  export_not_ready: 'The export is still being written. Wait until it is ready, then save it.',
  export_expired: 'The server removed this export after its week. Start a new one.',
  payment_processor_unavailable: 'The payment service did not answer. Nothing was charged; try again in a moment.',
  sso_not_configured:
    'Sign in with your password instead, or ask your organization’s administrator whether it uses single sign-on.',
  dns_unavailable: 'Its DNS did not give a clear answer, so nothing changed. Try Verify again in a few minutes.',
  domain_taken: 'Another organization has claimed this domain. Ask its administrators, or contact your Orgdesk operator.',
};

/** The server's message followed by what to do, when we know it. */
export function explain(e: unknown): string {
  const message = messageOf(e);
  if (!(e instanceof AppError)) return message;
  // Offline, the backend already says what needs a connection: that is the whole story.
  if (e.code === 'server_unreachable' && /offline/i.test(message)) return message;
  const next = NEXT[e.code];
  if (!next) return message;
  return message && !next.startsWith(message) ? `${trimDot(message)}. ${next}` : next;
}

function trimDot(s: string): string {
  return s.replace(/[.\s]+$/, '');
}

export function codeOf(e: unknown): ErrorCode | null {
  return e instanceof AppError ? e.code : null;
}

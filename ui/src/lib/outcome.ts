// Reads answer `Fresh<T>` (the value and how old it is); queue-able writes answer
// `Outcome<T>` (applied now, or kept in the outbox to be sent when the server answers).
// These helpers keep the pages from repeating what each case means.
import { STALE_AFTER_MS, type ExportDone, type Fresh, type Outcome, type QueuedChange } from './bindings';
import { connectivity } from './connectivity.svelte';
import { formatDateTime } from './format';
import { outbox } from './outbox.svelte';
import { toast } from './toast.svelte';

/** When a read's answer is from, and whether it came from this computer's store. */
export type Stamp = Pick<Fresh<unknown>, 'as_of' | 'from_cache'>;

export function unwrapFresh<T>(f: Fresh<T>): T {
  return f.value;
}

export function stampOf(f: Stamp): Stamp {
  return { as_of: f.as_of, from_cache: f.from_cache };
}

export type Queued = Extract<Outcome<unknown>, { status: 'queued' }>;

export function isQueued<T>(o: Outcome<T>): o is Extract<Outcome<T>, { status: 'queued' }> {
  return o.status === 'queued';
}

/** What we say when a change was kept to be sent later. */
export function queuedMessage(change: QueuedChange, online: boolean = connectivity.online): string {
  return online
    ? `Queued: ${change.summary}. It will be sent after the changes waiting before it.`
    : "Saved offline — will be sent when you're back online.";
}

/**
 * The applied value; or, for a queued change, says so in a toast (the pages show it as
 * waiting, from the outbox) and answers null. Either way the user's input is done: close
 * the dialog, show no error.
 */
export function settle<T>(o: Outcome<T>): T | null {
  if (o.status === 'applied') return o.value;
  outbox.note(o.change);
  toast(queuedMessage(o.change), 'info');
  return null;
}

/** How long an answer from the store may be before we say how old it is, while online (the
 * backend's constant: it tells pages when such an answer is confirmed, so the mark goes). */
export const STALE_MS: number = STALE_AFTER_MS;

/**
 * Whether to say "As of …" for a read: always while offline (nothing newer can come), and
 * online when it came from the store and is older than a minute.
 */
export function showAsOf(stamp: Stamp | null, online: boolean, now: number = Date.now()): boolean {
  if (!stamp) return false;
  if (!online) return true;
  return stamp.from_cache && now - new Date(stamp.as_of).getTime() > STALE_MS;
}

/** The title attribute of a button whose command needs the server, while offline. */
export function needsConnection(online: boolean = connectivity.online): string | undefined {
  return online ? undefined : 'Needs a connection';
}

/** The file name of a saved path (either separator). */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * What to say when an export made offline from the store is saved, e.g. "Saved usage.csv —
 * figures as of 25 Nov 2026, 14:02 (offline copy)."; null when it came from the server.
 */
export function offlineCopyMessage(done: ExportDone): string | null {
  return done.as_of ? `Saved ${fileName(done.path)} — figures as of ${formatDateTime(done.as_of)} (offline copy).` : null;
}

// API keys as people read them: permissions, the visible part of a key, and how to use one.
import type { ApiKey, ApiKeyScope, ServerChoice } from '../../lib/bindings';

export const SCOPES: { scope: ApiKeyScope; label: string; hint: string; testid: string }[] = [
  {
    scope: 'usage:write',
    label: 'Record usage',
    hint: 'Send metered usage, which spends credits under the spend policy.',
    testid: 'scope-usage-write',
  },
  {
    scope: 'read',
    label: 'Read',
    hint: 'Read the organization, its projects, usage, ledger and members (never their emails), within the key’s project if it has one.',
    testid: 'scope-read',
  },
];

export function scopeLabel(scope: ApiKeyScope): string {
  return SCOPES.find((s) => s.scope === scope)?.label ?? scope;
}

/** "odk_3f9a1c2e…": enough to tell keys apart, never the secret. The server may keep the
 *  characters after `odk_` only. */
export function maskedPrefix(k: Pick<ApiKey, 'prefix'>): string {
  const shown = k.prefix.replace(/…+$/, '');
  return `${shown.startsWith('odk_') ? shown : `odk_${shown}`}…`;
}

/** The key's permissions in a fixed order. */
export function sortedScopes(scopes: ApiKeyScope[]): ApiKeyScope[] {
  const order = SCOPES.map((s) => s.scope);
  return [...scopes].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Where apps send usage: the server this app uses, or a placeholder for the embedded one. */
export function serverBase(server: ServerChoice | undefined): string {
  return server?.kind === 'remote' ? server.url.replace(/\/+$/, '') : '$ORGDESK_URL';
}

export function curlExample(base: string, project: string): string {
  return [
    `curl -X POST ${base}/v1/usage \\`,
    `  -H "Authorization: Bearer <key>" \\`,
    `  -H "Idempotency-Key: <uuid>" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"project":"${project}","modality":"text","quantity":12}'`,
  ].join('\n');
}

/** How long a new key works: never ends, a number of days, or until a chosen day. */
export type Expiry = 'never' | '30' | '90' | '365' | 'date';

export const EXPIRIES: { value: Expiry; label: string }[] = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: 'date', label: 'On a date…' },
];

const DAY_MS = 24 * 3600 * 1000;

/** The `expires_at` to send (RFC 3339), `null` for never, or why it can't be used. A
 *  chosen day means the key works through the end of that day, here. */
export function expiresAt(choice: Expiry, day: string, now: number = Date.now()): { at: string | null } | { error: string } {
  if (choice === 'never') return { at: null };
  if (choice !== 'date') return { at: new Date(now + Number(choice) * DAY_MS).toISOString() };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return { error: 'Choose the last day the key works.' };
  const end = new Date(`${day}T23:59:59`);
  if (Number.isNaN(end.getTime())) return { error: 'Choose the last day the key works.' };
  if (end.getTime() <= now) return { error: 'Choose a day from today on.' };
  return { at: end.toISOString() };
}

/** Whether the key has stopped working by itself. */
export function isExpired(k: Pick<ApiKey, 'expires_at'>, now: number = Date.now()): boolean {
  return k.expires_at !== null && new Date(k.expires_at).getTime() <= now;
}

// API keys as people read them: permissions, the visible part of a key, and how to use one.
import type { ApiKey, ApiKeyScope, ServerChoice } from '../../lib/bindings';

export const SCOPES: { scope: ApiKeyScope; label: string; hint: string; testid: string }[] = [
  {
    scope: 'usage:write',
    label: 'Record usage',
    hint: 'Send metered usage, which spends credits under the spend policy.',
    testid: 'scope-usage-write',
  },
  { scope: 'read', label: 'Read', hint: 'Read the data the key’s project allows.', testid: 'scope-read' },
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

// The connection form's draft and the request it makes, and how a domain's state reads.
import type { OrgDomain, ProjectScope, Role, SsoConnection, SsoConnectionRequest } from '../../lib/bindings';

export interface ConnectionDraft {
  issuer: string;
  client_id: string;
  /** Blank keeps the stored secret (once one is stored). */
  client_secret: string;
  /** Comma-, space- or line-separated. */
  allowed_domains: string;
  default_role: Role;
  /** Project ids; empty means every project. */
  projects: string[];
  require_sso: boolean;
  create_members: boolean;
}

export function draftOf(c: SsoConnection | null): ConnectionDraft {
  return {
    issuer: c?.issuer ?? '',
    client_id: c?.client_id ?? '',
    client_secret: '',
    allowed_domains: c?.allowed_domains.join(', ') ?? '',
    default_role: c?.default_role ?? 'member',
    projects: c?.default_project_scope.kind === 'projects' ? [...c.default_project_scope.ids] : [],
    require_sso: c?.require_sso ?? false,
    create_members: c?.create_members ?? false,
  };
}

export function domainsOf(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d.length > 0);
}

export function requestOf(d: ConnectionDraft): SsoConnectionRequest {
  const scope: ProjectScope =
    d.default_role === 'member' && d.projects.length > 0 ? { kind: 'projects', ids: d.projects } : { kind: 'all' };
  return {
    issuer: d.issuer.trim(),
    client_id: d.client_id.trim(),
    client_secret: d.client_secret.trim() ? d.client_secret : null,
    allowed_domains: domainsOf(d.allowed_domains),
    default_role: d.default_role,
    default_project_scope: scope,
    require_sso: d.require_sso,
    create_members: d.create_members,
  };
}

export function sameDraft(a: ConnectionDraft, b: ConnectionDraft): boolean {
  return JSON.stringify(requestOf(a)) === JSON.stringify(requestOf(b)) && !a.client_secret && !b.client_secret;
}

/** What is missing before the form can be saved, by field. */
export function check(d: ConnectionDraft, secretStored: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  const issuer = d.issuer.trim();
  if (!issuer) errors.issuer = 'Enter the issuer URL your identity provider gives.';
  else if (!/^https?:\/\/\S+$/i.test(issuer)) errors.issuer = 'The issuer is a URL starting with https://.';
  if (!d.client_id.trim()) errors.client_id = 'Enter the client ID registered at your identity provider.';
  if (!secretStored && !d.client_secret.trim()) errors.client_secret = 'Enter the client secret.';
  return errors;
}

export type DomainState = 'verified' | 'pending';

export function stateOf(d: OrgDomain): DomainState {
  return d.verified_at ? 'verified' : 'pending';
}

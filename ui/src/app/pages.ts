// What each page renders, and its sidebar icon: the UI's one map of pages, typed by
// `AppPage` so a page added to the registry (crates/model/src/navigation.rs) does not
// compile here until it has a component. Titles, order and access come from the registry
// (lib/pages.ts).
import type { Component } from 'svelte';
import { Archive, Building2, CircleUser, FolderKanban, TriangleAlert, Fingerprint, KeyRound, LayoutDashboard, ScrollText, Settings2, ShieldCheck, Users, Wallet, Webhook } from '@lucide/svelte';
import { AccountPage } from '../features/account';
import { ApiKeysPage } from '../features/apikeys';
import { AuditLogPage } from '../features/audit';
import { BillingPage } from '../features/billing';
import { DangerZonePage, DataPage } from '../features/data';
import { MembersPage } from '../features/members';
import { OverviewPage } from '../features/overview';
import { PortfolioPage } from '../features/portfolio';
import { ProjectsPage } from '../features/projects';
import { SecuritySettings } from '../features/security';
import { GeneralSettings } from '../features/settings';
import { SsoSettingsPage } from '../features/sso';
import { WebhooksPage } from '../features/webhooks';
import type { AppPage, Membership } from '../lib/bindings';

export interface PageView {
  component: Component<{ membership: Membership }>;
  icon: typeof LayoutDashboard;
}

export const views: Record<AppPage, PageView> = {
  overview: { component: OverviewPage, icon: LayoutDashboard },
  portfolio: { component: PortfolioPage, icon: Building2 },
  projects: { component: ProjectsPage, icon: FolderKanban },
  members: { component: MembersPage, icon: Users },
  billing: { component: BillingPage, icon: Wallet },
  'settings/general': { component: GeneralSettings, icon: Settings2 },
  'settings/audit-log': { component: AuditLogPage, icon: ScrollText },
  'settings/api-keys': { component: ApiKeysPage, icon: KeyRound },
  'settings/webhooks': { component: WebhooksPage, icon: Webhook },
  'settings/security': { component: SecuritySettings, icon: ShieldCheck },
  'settings/sso': { component: SsoSettingsPage, icon: Fingerprint },
  'settings/data': { component: DataPage, icon: Archive },
  'settings/danger-zone': { component: DangerZonePage, icon: TriangleAlert },
  account: { component: AccountPage, icon: CircleUser },
};

// What each page renders, and its sidebar icon: the UI's one map of pages, typed by
// `AppPage` so a page added to the registry (crates/model/src/navigation.rs) does not
// compile here until it has a component. Titles, order and access come from the registry
// (lib/pages.ts).
import { Archive, Building2, CircleUser, FolderKanban, TriangleAlert, Fingerprint, KeyRound, LayoutDashboard, ScrollText, Settings2, ShieldCheck, Users, Wallet, Webhook } from '@lucide/svelte';
import { OverviewPage } from '../features/overview';
import type { AppPage } from '../lib/bindings';
import { eager, lazy, type LoadablePage } from './loadable.svelte';

export interface PageView {
  /** The overview is in the initial bundle; every other page is fetched on first visit
   *  (or in idle time after the first paint) through its feature's `page.ts`. */
  page: LoadablePage;
  icon: typeof LayoutDashboard;
}

export const views: Record<AppPage, PageView> = {
  overview: { page: eager(OverviewPage), icon: LayoutDashboard },
  portfolio: { page: lazy(() => import('../features/portfolio/page').then((m) => m.PortfolioPage)), icon: Building2 },
  projects: { page: lazy(() => import('../features/projects/page').then((m) => m.ProjectsPage)), icon: FolderKanban },
  members: { page: lazy(() => import('../features/members/page').then((m) => m.MembersPage)), icon: Users },
  billing: { page: lazy(() => import('../features/billing/page').then((m) => m.BillingPage)), icon: Wallet },
  'settings/general': { page: lazy(() => import('../features/settings/page').then((m) => m.GeneralSettings)), icon: Settings2 },
  'settings/audit-log': { page: lazy(() => import('../features/audit/page').then((m) => m.AuditLogPage)), icon: ScrollText },
  'settings/api-keys': { page: lazy(() => import('../features/apikeys/page').then((m) => m.ApiKeysPage)), icon: KeyRound },
  'settings/webhooks': { page: lazy(() => import('../features/webhooks/page').then((m) => m.WebhooksPage)), icon: Webhook },
  'settings/security': { page: lazy(() => import('../features/security/page').then((m) => m.SecuritySettings)), icon: ShieldCheck },
  'settings/sso': { page: lazy(() => import('../features/sso/page').then((m) => m.SsoSettingsPage)), icon: Fingerprint },
  'settings/data': { page: lazy(() => import('../features/data/page').then((m) => m.DataPage)), icon: Archive },
  'settings/danger-zone': { page: lazy(() => import('../features/data/page').then((m) => m.DangerZonePage)), icon: TriangleAlert },
  account: { page: lazy(() => import('../features/account/page').then((m) => m.AccountPage)), icon: CircleUser },
};

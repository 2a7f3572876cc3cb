// The pages of a context, from the registry in the model crate
// (crates/model/src/navigation.rs) through the generated bindings: titles, sections,
// sidebar order and who may see which page all come from there. What each page renders
// (its component and icon) is app/pages.ts, typed by `AppPage` so no page is forgotten.
import { PAGES, PAGE_SECTIONS, type AppPage, type Capability, type Membership, type OrgKind } from './bindings';

export type PageSection = (typeof PAGE_SECTIONS)[number]['section'];

export interface PageInfo {
  readonly page: AppPage;
  /** Its name in the sidebar; `pageTitle` adds the section's. */
  readonly title: string;
  readonly section: PageSection;
  /** What a membership needs to see the page, if anything beyond belonging to the org. */
  readonly requires: Capability | null;
  /** The kinds of context the page exists in. */
  readonly kinds: readonly OrgKind[];
}

export interface SectionInfo {
  readonly section: PageSection;
  /** The sidebar's heading for the section; the main pages have none. */
  readonly title: string | null;
}

/** Every page, in sidebar order. */
export const pages: readonly PageInfo[] = PAGES satisfies readonly PageInfo[];

/** The sidebar's sections, in order. */
export const sections: readonly SectionInfo[] = PAGE_SECTIONS satisfies readonly SectionInfo[];

const byPage = new Map<AppPage, PageInfo>(pages.map((p) => [p.page, p]));
const sectionTitles = new Map<PageSection, string | null>(sections.map((s) => [s.section, s.title]));

/** A page's row in the registry. */
export function pageInfo(page: AppPage): PageInfo {
  const info = byPage.get(page);
  if (!info) throw new Error(`page ${page} is not in the registry`);
  return info;
}

/** The pages of a section, in sidebar order. */
export function pagesOf(section: PageSection): PageInfo[] {
  return pages.filter((p) => p.section === section);
}

/** Whether a page makes sense for this membership: it exists in this kind of context (no
 *  Members page in Personal) and the membership holds what it requires (billing, the audit
 *  log); API keys are for everyone, each their own. */
export function pageAllowed(m: Membership, page: AppPage): boolean {
  const { kinds, requires } = pageInfo(page);
  return kinds.includes(m.org.kind) && (requires === null || m.capabilities.includes(requires));
}

/** The shell's title: "Projects", "Settings · Audit log". */
export function pageTitle(page: AppPage): string {
  const { title, section } = pageInfo(page);
  const heading = sectionTitles.get(section);
  return heading ? `${heading} · ${title}` : title;
}

/** The sidebar entry's test id: `nav-overview`, `nav-settings-audit-log`. */
export function navTestId(page: AppPage): string {
  return `nav-${page.replace(/\//g, '-')}`;
}

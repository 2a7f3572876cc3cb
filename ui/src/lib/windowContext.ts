// Which window this page runs in. The main window resumes where the account was last; an
// org's own window ("Open in new window", `index.html?org=<id>`) starts in that org and
// leaves the main window's resume spot alone. Each window's title names its context.
import { getCurrentWindow } from '@tauri-apps/api/window';
import { commands } from './bindings';

/** The org this window was opened for, if it is an org window. */
export function pinnedOrg(search: string = globalThis.location?.search ?? ''): string | null {
  const id = new URLSearchParams(search).get('org');
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

/** This window's label ("main" outside Tauri, e.g. in unit tests). */
export function windowLabel(): string {
  try {
    return getCurrentWindow().label;
  } catch {
    return 'main';
  }
}

/** Titles this window after the context it shows (null: signed out). */
export function nameWindow(context: string | null): void {
  document.title = context ? `${context} — Orgdesk` : 'Orgdesk';
  commands.nameWindow(windowLabel(), context).catch(() => {}); // a title is not worth an error
}

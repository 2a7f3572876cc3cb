// The theme: the desktop's ("system"), light or dark. The choice is kept by the app
// (`set_theme`, in its preferences), which also opens the next window in it and marks
// `<html data-theme>` before the page's first paint; here it is applied to the page at
// once, and `theme.shade` says what is on screen for what paints itself (the usage chart).
import { commands, type ThemeChoice } from './bindings';
import { call } from './ipc';

export type Shade = 'light' | 'dark';

export const THEME_CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const darkDesktop = (): MediaQueryList | null =>
  typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

function shadeOf(choice: ThemeChoice): Shade {
  if (choice !== 'system') return choice;
  return darkDesktop()?.matches ? 'dark' : 'light';
}

export const theme = $state<{ choice: ThemeChoice; shade: Shade }>({ choice: 'system', shade: 'light' });

/** Shows `choice` on the page: `data-theme` on `<html>` for light or dark, none for the
 * desktop's (the stylesheet follows `prefers-color-scheme` then). */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
  theme.choice = choice;
  showShade(shadeOf(choice), root);
}

/** What is on screen, for what paints itself: `theme.shade`, and `data-shade` on `<html>`
 * for the controls the stylesheet draws in dark (checkboxes, radio buttons). */
function showShade(shade: Shade, root: HTMLElement = document.documentElement): void {
  theme.shade = shade;
  root.dataset.shade = shade;
}

/** Applies the choice already on `<html>` (the app marked it as the document began), then
 * the one the app has kept, and follows the desktop while the choice is "system". */
export async function startTheme(): Promise<void> {
  const marked = document.documentElement.dataset.theme;
  applyTheme(marked === 'light' || marked === 'dark' ? marked : 'system');
  darkDesktop()?.addEventListener('change', () => {
    showShade(shadeOf(theme.choice));
  });
  try {
    applyTheme(await commands.getTheme());
  } catch {
    // Outside the app (no backend): the page's own marking stands.
  }
}

/** Applies `choice` at once and has the app keep it for the next launches. */
export async function chooseTheme(choice: ThemeChoice): Promise<void> {
  applyTheme(choice);
  await call(commands.setTheme(choice));
}

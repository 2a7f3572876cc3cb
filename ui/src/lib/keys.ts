// Keyboard shortcuts: Ctrl on Linux and Windows, Cmd on macOS.

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function isMod(e: KeyboardEvent): boolean {
  return isMac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
}

export const modLabel = isMac ? '⌘' : 'Ctrl';

/** 1–9 for Ctrl/Cmd+1…9, otherwise null. Uses the physical key so layouts don't matter. */
export function jumpIndex(e: KeyboardEvent): number | null {
  if (!isMod(e) || e.altKey || e.shiftKey) return null;
  const m = /^Digit([1-9])$/.exec(e.code) ?? /^([1-9])$/.exec(e.key);
  return m ? Number(m[1]) : null;
}

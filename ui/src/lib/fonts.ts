// Which fonts the page asks for. On Linux the webview (WebKitGTK) resolves each family of a
// CSS font stack through fontconfig, once per weight and size, until one exists — and every
// miss runs the desktop's whole fontconfig rule set. Our cross-platform stack (system-ui,
// -apple-system, Segoe UI, Roboto, …) missed six times per text style on a Debian desktop:
// ~12,000 rule matches where the Tauri hello-world needs ~500, and about 150 ms before the
// signed-in shell could paint (profiled with perf and FC_DEBUG; README, "Where a launch's
// time goes"). There, the generic families are the desktop's own configured fonts, found by
// the first lookup — the fonts a GTK app shows.

/** Marks `<html data-fonts="desktop">` on Linux; app.css then uses the generic families. */
export function useDesktopFonts(root: HTMLElement = document.documentElement, userAgent: string = navigator.userAgent): void {
  if (/\bLinux\b/.test(userAgent) && !/\bAndroid\b/.test(userAgent)) root.dataset.fonts = 'desktop';
}

// The page's own account of how it started: the moments it reached (milliseconds since its
// document began), sent once to the app's log after its first screen is painted — the
// `page started` line next to the app's `set up` line (src-tauri/src/commands/startup.rs).
import { commands, type StartupMark } from './bindings';
import { windowLabel } from './windowContext';

const marks: StartupMark[] = [];
let reported = false;

/** Notes the first time the start reaches `name`. */
export function startupMark(name: string): void {
  if (reported || marks.some((m) => m.name === name)) return;
  marks.push({ name, at_ms: Math.round(performance.now()) });
}

/**
 * The first screen (`screen`: `sign-in`, `overview`, …) has what it shows: once it is on
 * the glass (the frame after next), `<screen>-painted` ends the marks and they are sent.
 * Later calls do nothing.
 */
export function startupPainted(screen: string): void {
  if (reported) return;
  startupMark(screen);
  reported = true;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      marks.push({ name: `${screen}-painted`, at_ms: Math.round(performance.now()) });
      commands.reportStartup(windowLabel(), performance.timeOrigin, marks).catch(() => {});
    }),
  );
}

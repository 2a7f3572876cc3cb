// Short confirmations and failures, shown in one corner and announced to screen readers.
// A few at a time, oldest first in `toasts` (the corner shows the newest on top); they
// belong to the signed-in account and are cleared when it signs out or another signs in.

export type ToastKind = 'success' | 'error' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

/** At most this many at once: a new one pushes out the oldest. */
export const MAX_TOASTS = 3;

/** How long each kind stays: a confirmation briefly, a failure long enough to read. */
export const TOAST_MS: Record<ToastKind, number> = { success: 3000, info: 5000, error: 8000 };

let next = 1;
export const toasts = $state<Toast[]>([]);

export function toast(message: string, kind: ToastKind = 'success', ms = TOAST_MS[kind]): void {
  const id = next++;
  toasts.push({ id, kind, message });
  if (toasts.length > MAX_TOASTS) toasts.splice(0, toasts.length - MAX_TOASTS);
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

/** Drops every toast (sign-out, another account): nothing said to one account carries over. */
export function clearToasts(): void {
  toasts.splice(0);
}

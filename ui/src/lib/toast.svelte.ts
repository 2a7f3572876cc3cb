// Short confirmations and failures, shown in one corner and announced to screen readers.

export type ToastKind = 'success' | 'error' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

let next = 1;
export const toasts = $state<Toast[]>([]);

export function toast(message: string, kind: ToastKind = 'success', ms = 4000): void {
  const id = next++;
  toasts.push({ id, kind, message });
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

// The one way the UI talks to the app backend: typed commands whose errors become
// `AppError`s carrying the stable code, a message for people and, for validation
// failures, the field it belongs to.
import type { ApiError, ErrorCode } from './bindings';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | null;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'AppError';
    this.code = error.code;
    this.field = error.field ?? null;
  }
}

export type CommandResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: ApiError };

/** Awaits a command and returns its value, or throws its error as an `AppError`. */
export async function call<T>(result: Promise<CommandResult<T>>): Promise<T> {
  const r = await result;
  if (r.status === 'error') throw new AppError(r.error);
  return r.data;
}

/** A message for any failure, for places that show just one line. */
export function messageOf(e: unknown): string {
  if (e instanceof AppError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Field errors keyed by field name, from a thrown error (empty if it names no field). */
export function fieldErrorsOf(e: unknown): Record<string, string> {
  return e instanceof AppError && e.field ? { [e.field]: e.message } : {};
}

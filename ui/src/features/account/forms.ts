// What an account form does with a failure: a message under the field it names (when the
// form has that field), else one line under the form.
import { explain } from '../../lib/errors';
import { AppError } from '../../lib/ipc';

export interface Failure {
  fields: Record<string, string>;
  form: string | null;
}

export function failure(err: unknown, fields: readonly string[]): Failure {
  if (err instanceof AppError && err.field && fields.includes(err.field)) {
    return { fields: { [err.field]: err.message }, form: null };
  }
  return { fields: {}, form: explain(err) };
}

/** The shortest password the server takes (an organization's policy may ask for more). */
export const PASSWORD_MIN = 10;

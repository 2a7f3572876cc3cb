// How Settings → Data words an org export: its status, how far it is, and its row in the
// list of recent exports.
import type { ExportStatus, OrgExport } from '../../lib/bindings';
import { bytes, formatDate, integer } from '../../lib/format';

export const STATUS_LABEL: Record<ExportStatus, string> = {
  queued: 'Waiting to start',
  running: 'Being written',
  ready: 'Ready',
  failed: 'Failed',
  expired: 'Expired',
};

/** Still being made by the server. */
export function inProgress(e: OrgExport): boolean {
  return e.status === 'queued' || e.status === 'running';
}

/** "Writing members.csv · 1,200 of 4,800 records", or where it waits. */
export function progressText(e: OrgExport): string {
  if (e.status === 'queued') return 'Waiting for the server to start the export…';
  const { step, done, total } = e.progress;
  if (!step) return 'Starting…';
  const counted = total > 0 ? ` · ${integer(done)} of ${integer(total)} records` : '';
  return `Writing ${step}${counted}`;
}

/** 0–100 once the total is known; null while it is not. */
export function progressPercent(e: OrgExport): number | null {
  const { done, total } = e.progress;
  if (e.status !== 'running' || total <= 0) return null;
  return (100 * done) / total;
}

/** What a row says under its date: size and until when it can be downloaded, or why not. */
export function exportDetail(e: OrgExport): string {
  switch (e.status) {
    case 'ready':
      return [e.size !== null ? bytes(e.size) : null, e.expires_at ? `kept until ${formatDate(e.expires_at)}` : null]
        .filter(Boolean)
        .join(' · ');
    case 'failed':
      return e.error ?? 'The export could not be written.';
    case 'expired':
      return 'Removed from the server after a week.';
    default:
      return progressText(e);
  }
}

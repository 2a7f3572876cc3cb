// Test support for Settings → Data: exports and retention as the backend answers them.
import type { ExportEntry, OrgExport, RetentionKind, RetentionSettings } from '../lib/bindings';

export function orgExport(over: Partial<OrgExport> = {}): OrgExport {
  return {
    id: 'e1',
    status: 'ready',
    progress: { step: 'manifest.json', done: 10, total: 10 },
    requested_by: 'u1',
    created_at: '2026-12-01T09:00:00Z',
    finished_at: '2026-12-01T09:01:00Z',
    expires_at: '2026-12-08T09:01:00Z',
    size: 2048,
    sha256: 'ab'.repeat(32),
    file_name: 'northwind-export-2026-12-01.zip',
    error: null,
    ...over,
  };
}

export function entry(over: Partial<OrgExport> = {}, kept = false): ExportEntry {
  return { export: orgExport(over), kept };
}

const LABELS: Record<RetentionKind, string> = {
  audit_log: 'Audit log',
  usage_events: 'Usage events',
  webhook_deliveries: 'Webhook deliveries',
  mail_copies: 'Mail copies',
  archived_projects: 'Archived projects',
};

/** The free plan's table (crates/model/src/retention.rs), at its defaults. */
export function retention(): RetentionSettings {
  const bounds: Record<RetentionKind, [number, number, number]> = {
    audit_log: [30, 7, 30],
    usage_events: [90, 7, 90],
    webhook_deliveries: [30, 1, 30],
    mail_copies: [30, 1, 30],
    archived_projects: [90, 7, 90],
  };
  const kinds = Object.keys(bounds) as RetentionKind[];
  return {
    plan: 'free',
    policy: {
      audit_log: 30,
      usage_events: 90,
      webhook_deliveries: 30,
      mail_copies: 30,
      archived_projects: 90,
    },
    rules: kinds.map((kind) => {
      const [default_days, min_days, max_days] = bounds[kind];
      return { kind, label: LABELS[kind], days: default_days, effective_days: default_days, bounds: { default_days, min_days, max_days } };
    }),
  };
}

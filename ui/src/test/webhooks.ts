// Test data for the webhooks tests: a catalogue, endpoints and deliveries as the backend
// answers them. Times are around NOW.
import type { EventInfo, Webhook, WebhookAttempt, WebhookDelivery } from '../lib/bindings';

export const NOW = Date.parse('2026-12-05T12:00:00Z');

export function ago(minutes: number): string {
  return new Date(NOW - minutes * 60_000).toISOString();
}

export const catalogue: EventInfo[] = [
  { type: 'org.updated', label: 'Settings changed', area: 'org', area_label: 'Organization', details_type: 'Details' },
  { type: 'project.created', label: 'Project created', area: 'project', area_label: 'Projects', details_type: 'Details' },
  { type: 'project.deleted', label: 'Project deleted', area: 'project', area_label: 'Projects', details_type: 'Details' },
  { type: 'billing.low_balance', label: 'Balance ran low', area: 'billing', area_label: 'Billing', details_type: 'Details' },
  { type: 'project.archived', label: 'Project archived', area: 'project', area_label: 'Projects', details_type: 'Details' },
];

export function hook(over: Partial<Webhook> = {}): Webhook {
  return {
    id: 'w1',
    org_id: 'o1',
    url: 'https://hooks.example.com/orgdesk',
    description: 'Billing system',
    all_events: false,
    events: ['project.created'],
    enabled: true,
    disabled_reason: null,
    created_at: ago(600),
    updated_at: ago(600),
    previous_secret_expires_at: null,
    health: { last_attempt_at: null, last_status_code: null, last_success_at: null, failure_streak: 0, failing_since: null },
    ...over,
  };
}

export function attempt(over: Partial<WebhookAttempt> = {}): WebhookAttempt {
  return { at: ago(1), status_code: 200, duration_ms: 42, response_excerpt: 'ok', error: null, ...over };
}

export function delivery(over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: 'd1',
    webhook_id: 'w1',
    event_id: 'e1',
    event_type: 'project.created',
    status: 'pending',
    attempts: 0,
    created_at: ago(1),
    next_attempt_at: ago(0),
    delivered_at: null,
    last_attempt: null,
    ...over,
  };
}

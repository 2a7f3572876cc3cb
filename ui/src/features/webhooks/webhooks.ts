// Webhooks as people read them: the event picker's groups, an endpoint's health in words,
// a delivery's status and timing, and the form's requests and checks.
import {
  AUDIT_ACTION_LABELS,
  type AuditAction,
  type CreateWebhookRequest,
  type DeliveryStatus,
  type EventArea,
  type EventInfo,
  type UpdateWebhookRequest,
  type Webhook,
  type WebhookAttempt,
  type WebhookDelivery,
} from '../../lib/bindings';
import { plural, relativeTime } from '../../lib/format';

/** "Project created": the catalogue's label of an event. */
export function eventLabel(a: AuditAction): string {
  return (AUDIT_ACTION_LABELS satisfies Record<AuditAction, string>)[a];
}

/** What an endpoint's row asks the page to do. */
export type RowAction = 'deliveries' | 'edit' | 'test' | 'rotate' | 'delete' | 'enable' | 'disable';

/** The events of one area, in catalogue order. */
export interface EventGroup {
  area: EventArea;
  label: string;
  events: EventInfo[];
}

/** The catalogue grouped by area, areas in the order they first appear. */
export function groupEvents(catalogue: readonly EventInfo[]): EventGroup[] {
  const groups: EventGroup[] = [];
  for (const e of catalogue) {
    let group = groups.find((g) => g.area === e.area);
    if (!group) {
      group = { area: e.area, label: e.area_label, events: [] };
      groups.push(group);
    }
    group.events.push(e);
  }
  return groups;
}

/** How much of an area is chosen: drives its select-all box (checked, mixed, clear). */
export function areaState(group: EventGroup, chosen: readonly AuditAction[]): 'all' | 'some' | 'none' {
  const n = group.events.filter((e) => chosen.includes(e.type)).length;
  return n === 0 ? 'none' : n === group.events.length ? 'all' : 'some';
}

/** `chosen` with every event of `group` added (`on`) or removed, in catalogue order. */
export function setArea(
  catalogue: readonly EventInfo[],
  chosen: readonly AuditAction[],
  group: EventGroup,
  on: boolean,
): AuditAction[] {
  const area = new Set(group.events.map((e) => e.type));
  return inOrder(catalogue, on ? [...chosen, ...area] : chosen.filter((a) => !area.has(a)));
}

/** `chosen` with one event added or removed, in catalogue order. */
export function setEvent(
  catalogue: readonly EventInfo[],
  chosen: readonly AuditAction[],
  event: AuditAction,
  on: boolean,
): AuditAction[] {
  return inOrder(catalogue, on ? [...chosen, event] : chosen.filter((a) => a !== event));
}

/** Without repeats, in the catalogue's order (events it does not list last). */
function inOrder(catalogue: readonly EventInfo[], chosen: readonly AuditAction[]): AuditAction[] {
  const set = new Set(chosen);
  const known = catalogue.map((e) => e.type).filter((t) => set.has(t));
  return [...known, ...[...set].filter((t) => !known.includes(t))];
}

/** "All events", "Project created", "Project created and 2 more". */
export function eventsSummary(hook: Pick<Webhook, 'all_events' | 'events'>, label: (a: AuditAction) => string): string {
  if (hook.all_events) return 'All events';
  const [first, ...rest] = hook.events;
  if (!first) return 'No events';
  return rest.length === 0 ? label(first) : `${label(first)} and ${rest.length} more`;
}

/** What an endpoint's row says about how it is doing. */
export interface Health {
  /** `ok`: the last attempt worked; `failing`: attempts fail; `disabled`: the server turned
   *  it off after failures; `off`: a person turned it off; `new`: nothing sent yet. */
  tone: 'ok' | 'failing' | 'disabled' | 'off' | 'new';
  /** A few words: "Healthy", "Failing", "Turned off after failures". */
  label: string;
  /** The sentence beside it. */
  detail: string;
}

export function healthOf(hook: Webhook, now: number = Date.now()): Health {
  const h = hook.health;
  const last = h.last_attempt_at ? `Last delivery ${relativeTime(h.last_attempt_at, now)}, ${answerText(h.last_status_code)}` : null;
  if (!hook.enabled && hook.disabled_reason === 'failing') {
    const since = h.failing_since ? ` since ${relativeTime(h.failing_since, now)}` : '';
    return {
      tone: 'disabled',
      label: 'Turned off after failures',
      detail: `Every delivery failed${since}, so nothing is sent now. Fix the receiver, then turn it on again.`,
    };
  }
  if (!hook.enabled) return { tone: 'off', label: 'Off', detail: 'Turned off: no events are sent to it.' };
  if (h.failure_streak > 0) {
    const streak = `${plural(h.failure_streak, 'failed attempt')} in a row`;
    return { tone: 'failing', label: 'Failing', detail: last ? `${streak}. ${last}.` : `${streak}.` };
  }
  if (!last) return { tone: 'new', label: 'No deliveries yet', detail: 'Events are sent as changes happen.' };
  return { tone: 'ok', label: 'Healthy', detail: `${last}.` };
}

/** "answered 200", "no answer". */
function answerText(code: number | null): string {
  return code === null ? 'no answer' : `answered ${code}`;
}

export const DELIVERY_STATUS_LABEL: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
};

/** "Pending", "Retrying in 2 minutes" (a pending delivery that failed before), … */
export function deliveryStatusText(d: WebhookDelivery, now: number = Date.now()): string {
  if (d.status === 'pending' && d.attempts > 0 && d.next_attempt_at) return `Retrying ${relativeTime(d.next_attempt_at, now)}`;
  return DELIVERY_STATUS_LABEL[d.status];
}

/** "200", "No answer" (could not be reached), "—" (not tried yet). */
export function statusCodeText(a: Pick<WebhookAttempt, 'status_code'> | null): string {
  if (!a) return '—';
  return a.status_code === null ? 'No answer' : String(a.status_code);
}

/** "85 ms", "1.2 s", "10 s". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)} s`;
}

/** Whether a delivery will change by itself soon, so the page should look again. */
export function changesSoon(d: WebhookDelivery, now: number = Date.now(), within = 60_000): boolean {
  if (d.status !== 'pending') return false;
  return !d.next_attempt_at || new Date(d.next_attempt_at).getTime() - now <= within;
}

/** A payload as people read it: indented JSON. */
export function prettyJson(v: unknown): string {
  return JSON.stringify(v, null, 2) ?? '';
}

/** The create/edit form. */
export interface HookForm {
  url: string;
  description: string;
  enabled: boolean;
  all_events: boolean;
  events: AuditAction[];
}

export function emptyForm(): HookForm {
  return { url: '', description: '', enabled: true, all_events: true, events: [] };
}

export function formOf(hook: Webhook): HookForm {
  return {
    url: hook.url,
    description: hook.description,
    enabled: hook.enabled,
    all_events: hook.all_events,
    events: [...hook.events],
  };
}

export type FormField = 'url' | 'description' | 'events';

/** What the form must say before anything is sent. */
export function checkForm(f: HookForm): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  const url = f.url.trim();
  if (!url) errors.url = 'Enter the address that receives the events, such as https://example.com/hooks/orgdesk.';
  else if (!/^https?:\/\/[^\s/]+/i.test(url)) errors.url = 'Enter a full address starting with https://.';
  if (f.description.length > 500) errors.description = 'Keep the description to 500 characters.';
  if (!f.all_events && f.events.length === 0) errors.events = 'Choose at least one event, or send all events.';
  return errors;
}

/** Which form field a server error names (`events[2]` is the events). */
export function formFieldOf(field: string | null): FormField | null {
  if (!field) return null;
  if (field === 'url' || field === 'description') return field;
  if (field.startsWith('events') || field === 'all_events') return 'events';
  return null;
}

export function createRequest(f: HookForm): CreateWebhookRequest {
  return {
    url: f.url.trim(),
    description: f.description.trim(),
    all_events: f.all_events,
    events: f.all_events ? [] : f.events,
    enabled: f.enabled,
  };
}

/** Only what changed; null when nothing did. */
export function updateRequest(before: Webhook, f: HookForm): UpdateWebhookRequest | null {
  const change: UpdateWebhookRequest = {};
  const url = f.url.trim();
  const description = f.description.trim();
  if (url !== before.url) change.url = url;
  if (description !== before.description) change.description = description;
  if (f.enabled !== before.enabled) change.enabled = f.enabled;
  if (f.all_events !== before.all_events) change.all_events = f.all_events;
  const same = f.events.length === before.events.length && f.events.every((e) => before.events.includes(e));
  if (!f.all_events && !same) change.events = f.events;
  return Object.keys(change).length === 0 ? null : change;
}

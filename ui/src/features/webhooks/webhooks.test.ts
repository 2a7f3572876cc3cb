import { describe, expect, it } from 'vitest';
import { ago, catalogue, delivery, hook, NOW } from '../../test/webhooks';
import {
  areaState,
  changesSoon,
  checkForm,
  createRequest,
  deliveryStatusText,
  durationText,
  emptyForm,
  eventsSummary,
  eventLabel,
  formFieldOf,
  formOf,
  groupEvents,
  healthOf,
  setArea,
  setEvent,
  statusCodeText,
  updateRequest,
} from './webhooks';

describe('the event picker', () => {
  it('groups the catalogue by area, areas in the order they first appear', () => {
    const groups = groupEvents(catalogue);
    expect(groups.map((g) => [g.area, g.label, g.events.map((e) => e.type)])).toEqual([
      ['org', 'Organization', ['org.updated']],
      ['project', 'Projects', ['project.created', 'project.deleted', 'project.archived']],
      ['billing', 'Billing', ['billing.low_balance']],
    ]);
    expect(groupEvents([])).toEqual([]);
  });

  it('selects and clears a whole area, keeping the catalogue order', () => {
    const projects = groupEvents(catalogue)[1]!;
    expect(areaState(projects, [])).toBe('none');
    expect(areaState(projects, ['project.deleted'])).toBe('some');
    const all = setArea(catalogue, ['billing.low_balance', 'project.deleted'], projects, true);
    expect(all).toEqual(['project.created', 'project.deleted', 'billing.low_balance', 'project.archived']);
    expect(areaState(projects, all)).toBe('all');
    expect(setArea(catalogue, all, projects, false)).toEqual(['billing.low_balance']);
  });

  it('adds and removes one event without repeats', () => {
    const one = setEvent(catalogue, ['billing.low_balance'], 'org.updated', true);
    expect(one).toEqual(['org.updated', 'billing.low_balance']);
    expect(setEvent(catalogue, one, 'org.updated', true)).toEqual(one);
    expect(setEvent(catalogue, one, 'org.updated', false)).toEqual(['billing.low_balance']);
  });

  it('sums up what an endpoint is sent', () => {
    expect(eventsSummary(hook({ all_events: true }), eventLabel)).toBe('All events');
    expect(eventsSummary(hook(), eventLabel)).toBe('Project created');
    expect(eventsSummary(hook({ events: ['project.created', 'member.removed', 'billing.low_balance'] }), eventLabel)).toBe(
      'Project created and 2 more',
    );
  });
});

describe('health', () => {
  it('says an endpoint never tried has no deliveries yet', () => {
    expect(healthOf(hook(), NOW)).toMatchObject({ tone: 'new', label: 'No deliveries yet' });
  });

  it('gives the last delivery’s time and answer when healthy', () => {
    const h = healthOf(hook({ health: { ...hook().health, last_attempt_at: ago(5), last_status_code: 204, last_success_at: ago(5) } }), NOW);
    expect(h.tone).toBe('ok');
    expect(h.label).toBe('Healthy');
    expect(h.detail).toBe('Last delivery 5 minutes ago, answered 204.');
  });

  it('counts a failure streak, with no answer when the receiver could not be reached', () => {
    const failing = hook({
      health: { last_attempt_at: ago(2), last_status_code: null, last_success_at: ago(120), failure_streak: 3, failing_since: ago(60) },
    });
    expect(healthOf(failing, NOW)).toEqual({
      tone: 'failing',
      label: 'Failing',
      detail: '3 failed attempts in a row. Last delivery 2 minutes ago, no answer.',
    });
    const one = hook({ health: { ...failing.health, failure_streak: 1, last_status_code: 500 } });
    expect(healthOf(one, NOW).detail).toBe('1 failed attempt in a row. Last delivery 2 minutes ago, answered 500.');
  });

  it('tells turned off after failures from turned off by a person', () => {
    const disabled = hook({
      enabled: false,
      disabled_reason: 'failing',
      health: { last_attempt_at: ago(10), last_status_code: 503, last_success_at: null, failure_streak: 40, failing_since: ago(3 * 24 * 60) },
    });
    const h = healthOf(disabled, NOW);
    expect(h.tone).toBe('disabled');
    expect(h.label).toBe('Turned off after failures');
    expect(h.detail).toContain('since 3 days ago');
    expect(h.detail).toContain('turn it on again');
    expect(healthOf(hook({ enabled: false }), NOW)).toMatchObject({ tone: 'off', label: 'Off' });
  });
});

describe('deliveries', () => {
  it('reads status, status code and duration', () => {
    expect(deliveryStatusText(delivery(), NOW)).toBe('Pending');
    expect(deliveryStatusText(delivery({ attempts: 2, next_attempt_at: new Date(NOW + 120_000).toISOString() }), NOW)).toBe(
      'Retrying in 2 minutes',
    );
    expect(deliveryStatusText(delivery({ status: 'delivered', attempts: 1 }), NOW)).toBe('Delivered');
    expect(statusCodeText(null)).toBe('—');
    expect(statusCodeText({ status_code: null })).toBe('No answer');
    expect(statusCodeText({ status_code: 200 })).toBe('200');
    expect(durationText(85)).toBe('85 ms');
    expect(durationText(1200)).toBe('1.2 s');
    expect(durationText(2000)).toBe('2 s');
    expect(durationText(10_000)).toBe('10 s');
  });

  it('looks again only while a delivery is about to be tried', () => {
    expect(changesSoon(delivery(), NOW)).toBe(true);
    expect(changesSoon(delivery({ next_attempt_at: null }), NOW)).toBe(true);
    expect(changesSoon(delivery({ next_attempt_at: new Date(NOW + 3_600_000).toISOString() }), NOW)).toBe(false);
    expect(changesSoon(delivery({ status: 'delivered' }), NOW)).toBe(false);
  });
});

describe('the form', () => {
  it('asks for a full address and at least one event', () => {
    expect(checkForm(emptyForm())).toEqual({ url: expect.stringContaining('Enter the address') });
    expect(checkForm({ ...emptyForm(), url: 'hooks.example.com' }).url).toContain('starting with https://');
    expect(checkForm({ ...emptyForm(), url: 'https://hooks.example.com/x', all_events: false })).toEqual({
      events: 'Choose at least one event, or send all events.',
    });
    expect(checkForm({ ...emptyForm(), url: ' https://hooks.example.com/x ' })).toEqual({});
  });

  it('puts the server’s field errors on the form’s fields', () => {
    expect(formFieldOf('url')).toBe('url');
    expect(formFieldOf('events')).toBe('events');
    expect(formFieldOf('events[3]')).toBe('events');
    expect(formFieldOf('all_events')).toBe('events');
    expect(formFieldOf('name')).toBeNull();
    expect(formFieldOf(null)).toBeNull();
  });

  it('sends all events without a list, or the chosen ones', () => {
    expect(createRequest({ ...emptyForm(), url: ' https://a.example/h ', events: ['org.updated'] })).toEqual({
      url: 'https://a.example/h',
      description: '',
      all_events: true,
      events: [],
      enabled: true,
    });
    expect(createRequest({ ...emptyForm(), url: 'https://a.example/h', all_events: false, events: ['org.updated'] }).events).toEqual([
      'org.updated',
    ]);
  });

  it('sends only what changed', () => {
    const before = hook({ events: ['project.deleted', 'project.created'] });
    expect(updateRequest(before, formOf(before))).toBeNull();
    // The same events in another order are no change.
    expect(updateRequest(before, { ...formOf(before), events: ['project.created', 'project.deleted'] })).toBeNull();
    expect(updateRequest(before, { ...formOf(before), description: 'CRM ', enabled: false })).toEqual({
      description: 'CRM',
      enabled: false,
    });
    expect(updateRequest(before, { ...formOf(before), all_events: true })).toEqual({ all_events: true });
    expect(updateRequest(before, { ...formOf(before), events: ['org.updated'] })).toEqual({ events: ['org.updated'] });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, membership, org, reset } from '../../test/ipc';
import { toasts } from '../../lib/toast.svelte';
import { dispatchRefreshed, orgData } from '../../lib/refresh';
import { ago, attempt, catalogue, delivery, hook } from '../../test/webhooks';
import type { CreateWebhookRequest, Webhook } from '../../lib/bindings';
import WebhooksPage from './WebhooksPage.svelte';

afterEach(reset);

const o = org({ id: 'o1', slug: 'northwind', name: 'Northwind Traders', plan: 'team' });

const healthy = hook({
  health: { last_attempt_at: ago(5), last_status_code: 204, last_success_at: ago(5), failure_streak: 0, failing_since: null },
});
const disabled = hook({
  id: 'w2',
  url: 'https://crm.example.com/in',
  description: '',
  all_events: true,
  events: [],
  enabled: false,
  disabled_reason: 'failing',
  health: { last_attempt_at: ago(30), last_status_code: 503, last_success_at: null, failure_streak: 41, failing_since: ago(4320) },
});

function base(hooks: Webhook[] = [healthy, disabled]) {
  return {
    list_webhooks: () => hooks,
    webhook_events: () => catalogue,
    list_webhook_deliveries: () => ({
      items: [
        delivery({ id: 'd2', status: 'delivered', attempts: 1, delivered_at: ago(1), last_attempt: attempt({ status_code: 204, duration_ms: 85 }) }),
        delivery({ id: 'd1', event_type: 'webhook.test', status: 'failed', attempts: 3, next_attempt_at: null, last_attempt: attempt({ status_code: null, error: 'connection refused' }) }),
      ],
      next_cursor: null,
    }),
  };
}

describe('WebhooksPage', () => {
  it('lists endpoints with their health and the first one’s deliveries; turns one on again', async () => {
    const calls = backend({
      ...base(),
      update_webhook: (a) => ({ ...disabled, enabled: true, disabled_reason: null, ...(a.input as object) }),
    });
    const user = userEvent.setup();
    render(WebhooksPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('webhook-row');
    expect(rows.map((r) => [r.dataset.url, r.dataset.health])).toEqual([
      ['https://hooks.example.com/orgdesk', 'ok'],
      ['https://crm.example.com/in', 'disabled'],
    ]);
    expect(rows[0]).toHaveTextContent('Healthy');
    expect(rows[0]).toHaveTextContent('answered 204');
    expect(rows[0]).toHaveTextContent('Project created');
    expect(rows[1]).toHaveTextContent('Turned off after failures');
    expect(rows[1]).toHaveTextContent('All events');

    const deliveries = await screen.findAllByTestId('delivery-row');
    expect(deliveries.map((d) => d.dataset.status)).toEqual(['delivered', 'failed']);
    expect(deliveries[0]).toHaveTextContent('Project created');
    expect(deliveries[0]).toHaveTextContent('204');
    expect(deliveries[0]).toHaveTextContent('85 ms');
    expect(deliveries[1]).toHaveTextContent('No answer');
    expect(calls.of('list_webhook_deliveries')[0]).toEqual({ orgId: 'o1', webhookId: 'w1', cursor: null });

    await user.click(within(rows[1]!).getByTestId('webhook-enable'));
    expect(calls.of('update_webhook')[0]).toEqual({ orgId: 'o1', webhookId: 'w2', input: { enabled: true } });
    await vi.waitFor(() => expect(screen.getAllByTestId('webhook-row')[1]!.dataset.health).not.toBe('disabled'));
  });

  it('reads the endpoints again when their deliveries moved, so their health is current', async () => {
    let hooks = [hook()];
    backend({ ...base(), list_webhooks: () => hooks });
    render(WebhooksPage, { props: { membership: membership(o) } });
    const row = await screen.findByTestId('webhook-row');
    expect(row.dataset.health).toBe('new');
    hooks = [healthy];
    dispatchRefreshed([orgData('o1', 'webhook_deliveries')]);
    await vi.waitFor(() => expect(screen.getByTestId('webhook-row').dataset.health).toBe('ok'));
    expect(screen.getByTestId('webhook-row')).toHaveTextContent('Healthy');
  });

  it('opens a delivery with its payload and attempts, and redelivers it', async () => {
    const calls = backend({
      ...base([healthy]),
      get_webhook_delivery: () => ({
        delivery: delivery({ id: 'd1', status: 'failed', attempts: 2, next_attempt_at: null }),
        payload: { type: 'project.created', data: { details: { name: 'Website' } } },
        attempts: [
          attempt({ status_code: 500, duration_ms: 1200, response_excerpt: 'upstream down' }),
          attempt({ status_code: null, duration_ms: 10_000, response_excerpt: null, error: 'timed out after 10 s' }),
        ],
      }),
      redeliver_webhook: () => delivery({ id: 'd1', status: 'pending', attempts: 2 }),
    });
    const user = userEvent.setup();
    render(WebhooksPage, { props: { membership: membership(o) } });
    const rows = await screen.findAllByTestId('delivery-row');
    await user.click(within(rows[1]!).getByTestId('delivery-open'));
    const dialog = await screen.findByTestId('delivery-dialog');
    expect(await within(dialog).findByTestId('delivery-payload')).toHaveTextContent('"name": "Website"');
    const attempts = within(dialog).getAllByTestId('delivery-attempt');
    expect(attempts[0]).toHaveTextContent('500');
    expect(attempts[0]).toHaveTextContent('1.2 s');
    expect(attempts[0]).toHaveTextContent('upstream down');
    expect(attempts[1]).toHaveTextContent('No answer');
    expect(attempts[1]).toHaveTextContent('timed out after 10 s');

    await user.click(within(dialog).getByTestId('delivery-redeliver'));
    expect(calls.of('redeliver_webhook')[0]).toEqual({ orgId: 'o1', deliveryId: 'd1' });
    await vi.waitFor(() => expect(toasts.at(-1)?.message).toContain('under the same webhook-id'));
  });

  it('adds an endpoint: checks, the server’s field error kept with the input, then the secret once', async () => {
    let tries = 0;
    const calls = backend({
      ...base([]),
      create_webhook: (a) => {
        tries += 1;
        if (tries === 1) fail({ code: 'webhook_url_not_allowed', message: 'This address resolves to a private network.', field: 'url' });
        const input = a.input as CreateWebhookRequest;
        return { webhook: hook({ id: 'w9', url: input.url, all_events: false, events: input.events ?? [] }), secret: 'whsec_c2VjcmV0LXZhbHVl' };
      },
    });
    const user = userEvent.setup();
    render(WebhooksPage, { props: { membership: membership(o) } });
    await screen.findByTestId('webhooks-empty');
    await user.click(screen.getByTestId('webhook-create'));
    let dialog = await screen.findByTestId('webhook-dialog');

    // Nothing is sent while the form is incomplete.
    await user.click(within(dialog).getByTestId('webhook-submit'));
    expect(await within(dialog).findByTestId('field-error-url')).toHaveTextContent('Enter the address');
    await user.type(dialog.querySelector('input[name=url]')!, 'https://10.0.0.5/hook');
    await user.click(within(dialog).getByTestId('webhook-all-events'));
    await user.click(within(dialog).getByTestId('webhook-submit'));
    expect(await within(dialog).findByTestId('field-error-events')).toHaveTextContent('Choose at least one event');
    expect(calls.of('create_webhook')).toHaveLength(0);

    // Projects, all of it, from its area box; then one event less.
    const projects = within(dialog).getAllByTestId('webhook-area').find((g) => g.dataset.area === 'project')!;
    expect(within(projects).getByTestId('webhook-area-toggle')).toHaveAttribute('aria-expanded', 'false');
    await user.click(within(projects).getByTestId('webhook-area-all'));
    expect(projects).toHaveTextContent('3 of 3');
    await user.click(within(projects).getByTestId('webhook-area-toggle'));
    expect(within(projects).getByTestId('webhook-area-toggle')).toHaveAttribute('aria-expanded', 'true');
    await user.click(dialog.querySelector('[data-event="project.archived"]')!);
    const areaBox = within(projects).getByTestId('webhook-area-all') as HTMLInputElement;
    expect(areaBox.indeterminate).toBe(true);

    await user.click(within(dialog).getByTestId('webhook-submit'));
    expect(await within(dialog).findByTestId('field-error-url')).toHaveTextContent('private network');
    expect(dialog.querySelector('input[name=url]')).toHaveValue('https://10.0.0.5/hook');
    expect(dialog.querySelector('input[name=url]')).toHaveAttribute('aria-invalid', 'true');

    const url = dialog.querySelector('input[name=url]') as HTMLInputElement;
    await user.clear(url);
    await user.type(url, 'https://hooks.example.com/new');
    await user.click(within(dialog).getByTestId('webhook-submit'));
    expect(await within(dialog).findByTestId('webhook-secret')).toHaveTextContent('whsec_c2VjcmV0LXZhbHVl');
    expect(dialog).toHaveTextContent('You will not see it again');
    expect(calls.of('create_webhook')[1]).toEqual({
      orgId: 'o1',
      input: { url: 'https://hooks.example.com/new', description: '', all_events: false, events: ['project.created', 'project.deleted'], enabled: true },
    });
    await vi.waitFor(() => expect(screen.getAllByTestId('webhook-row').map((r) => r.dataset.url)).toEqual(['https://hooks.example.com/new']));

    await user.click(within(dialog).getByTestId('webhook-done'));
    await vi.waitFor(() => expect(screen.queryByTestId('webhook-dialog')).toBeNull());
    expect(document.body).not.toHaveTextContent('whsec_');
    await user.click(screen.getByTestId('webhook-create'));
    dialog = await screen.findByTestId('webhook-dialog');
    expect(within(dialog).queryByTestId('webhook-secret')).toBeNull();
    expect(dialog.querySelector('input[name=url]')).toHaveValue('');
  });

  it('edits an endpoint, sending only what changed', async () => {
    const calls = backend({
      ...base([healthy]),
      update_webhook: (a) => ({ ...healthy, ...(a.input as object) }),
    });
    const user = userEvent.setup();
    render(WebhooksPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('webhook-row'))[0]!;
    await user.click(within(row).getByTestId('webhook-menu'));
    await user.click(await screen.findByTestId('webhook-edit'));
    const dialog = await screen.findByTestId('webhook-dialog');
    expect(dialog.querySelector('input[name=url]')).toHaveValue('https://hooks.example.com/orgdesk');
    expect(dialog.querySelector('[data-event="project.created"]')).toBeChecked();
    const description = dialog.querySelector('input[name=description]') as HTMLInputElement;
    await user.clear(description);
    await user.type(description, 'Finance');
    await user.click(within(dialog).getByTestId('webhook-submit'));
    await vi.waitFor(() => expect(screen.queryByTestId('webhook-dialog')).toBeNull());
    expect(calls.of('update_webhook')[0]).toEqual({ orgId: 'o1', webhookId: 'w1', input: { description: 'Finance' } });
    expect(screen.getByTestId('webhook-row')).toHaveTextContent('Finance');
  });

  it('rotates the secret after confirming, saying the old one works for 24 hours', async () => {
    const calls = backend({
      ...base([healthy]),
      rotate_webhook_secret: () => ({ webhook: healthy, secret: 'whsec_bmV3LXNlY3JldA', previous_expires_at: '2026-12-06T12:00:00Z' }),
    });
    const user = userEvent.setup();
    render(WebhooksPage, { props: { membership: membership(o) } });
    const row = (await screen.findAllByTestId('webhook-row'))[0]!;
    await user.click(within(row).getByTestId('webhook-menu'));
    await user.click(await screen.findByTestId('webhook-rotate'));
    const confirm = await screen.findByTestId('webhook-rotate-dialog');
    expect(confirm).toHaveTextContent('24 hours');
    expect(calls.of('rotate_webhook_secret')).toHaveLength(0);
    await user.click(within(confirm).getByTestId('webhook-rotate-confirm'));
    const shown = await screen.findByTestId('webhook-rotated-dialog');
    expect(within(shown).getByTestId('webhook-secret')).toHaveTextContent('whsec_bmV3LXNlY3JldA');
    expect(within(shown).getByTestId('webhook-old-secret-until')).toHaveTextContent('24 hours');
    expect(shown).toHaveTextContent('You will not see it again');
  });

  it('sends a test and deletes after confirming', async () => {
    const calls = backend({
      ...base([healthy]),
      send_test_webhook: () => delivery({ id: 'd9', event_type: 'webhook.test' }),
      delete_webhook: () => null,
    });
    const user = userEvent.setup();
    render(WebhooksPage, { props: { membership: membership(o) } });
    let row = (await screen.findAllByTestId('webhook-row'))[0]!;
    await screen.findAllByTestId('delivery-row');
    await user.click(within(row).getByTestId('webhook-menu'));
    await user.click(await screen.findByTestId('webhook-test'));
    await vi.waitFor(() => expect(toasts.at(-1)?.message).toContain('Test event sent'));
    expect(calls.of('send_test_webhook')[0]).toEqual({ orgId: 'o1', webhookId: 'w1' });
    await vi.waitFor(() => expect(calls.of('list_webhook_deliveries').length).toBeGreaterThan(1));

    row = screen.getAllByTestId('webhook-row')[0]!;
    // The menu gives the page its pointer back once it has closed.
    await vi.waitFor(() => expect(document.body.style.pointerEvents).not.toBe('none'));
    await user.click(within(row).getByTestId('webhook-menu'));
    await user.click(await screen.findByTestId('webhook-delete'));
    const confirm = await screen.findByTestId('webhook-delete-dialog');
    expect(confirm).toHaveTextContent('https://hooks.example.com/orgdesk');
    await user.click(within(confirm).getByTestId('webhook-delete-confirm'));
    expect(await screen.findByTestId('webhooks-empty')).toBeInTheDocument();
    expect(calls.of('delete_webhook')[0]).toEqual({ orgId: 'o1', webhookId: 'w1' });
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Channel } from '@tauri-apps/api/core';
import type { OrgExport } from '../../lib/bindings';
import { connectivity } from '../../lib/connectivity.svelte';
import { toasts } from '../../lib/toast.svelte';
import { entry, orgExport, retention } from '../../test/data';
import { backend, fail, membership, org, reset, status } from '../../test/ipc';
import DataPage from './DataPage.svelte';

afterEach(() => {
  cleanup();
  reset();
  toasts.splice(0);
  connectivity.status = null;
});

const o = org({ id: 'o1' });
const page = () => render(DataPage, { props: { membership: membership(o, 'admin') } });

describe('Settings → Data: exports', () => {
  it('exports everything with progress, then saves the ZIP through the save dialog', async () => {
    let listed = [entry({ id: 'old', created_at: '2026-11-01T09:00:00Z', status: 'expired', size: null, expires_at: null })];
    let finish: (v: OrgExport) => void = () => {};
    const calls = backend({
      list_org_exports: () => listed,
      get_retention: () => retention(),
      start_org_export: (a) => {
        const progress = a.progress as Channel<OrgExport>;
        progress.onmessage(orgExport({ status: 'queued', progress: { step: '', done: 0, total: 0 } }));
        progress.onmessage(orgExport({ status: 'running', progress: { step: 'members.csv', done: 1200, total: 4800 } }));
        return new Promise((resolve) => (finish = resolve));
      },
      save_org_export: (a) => {
        (a.progress as Channel<number>).onmessage(0);
        return { path: '/home/ana/northwind.zip', bytes: 2048, as_of: null };
      },
    });
    const user = userEvent.setup();
    page();
    expect(await screen.findByTestId('data-export-row')).toHaveTextContent('Expired');
    await user.click(screen.getByTestId('data-export-start'));

    const running = await screen.findByTestId('data-export-running');
    expect(running).toHaveTextContent('Writing members.csv · 1,200 of 4,800 records');
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
    expect(screen.queryByTestId('data-export-start')).toBeNull();

    listed = [entry({}, true), ...listed];
    finish(orgExport());
    await vi.waitFor(() => expect(screen.getAllByTestId('data-export-row')).toHaveLength(2));
    expect(toasts.at(-1)?.message).toContain('is ready');
    const [ready] = screen.getAllByTestId('data-export-row');
    expect(ready).toHaveTextContent('Ready');
    expect(ready).toHaveTextContent('2.0 KB');
    expect(ready).toHaveTextContent('On this computer');

    await user.click(screen.getByTestId('data-export-save'));
    await vi.waitFor(() => expect(calls.of('save_org_export')).toHaveLength(1));
    expect(calls.of('save_org_export')[0]).toMatchObject({ orgId: 'o1', exportId: 'e1', fileName: 'northwind-export-2026-12-01.zip' });
    expect(calls.log.some((c) => c.cmd.startsWith('plugin:dialog'))).toBe(false);
    await vi.waitFor(() => expect(toasts.at(-1)?.message).toContain('/home/ana/northwind.zip'));
  });

  it('follows an export already running when the page opens, and shows why one failed', async () => {
    const calls = backend({
      list_org_exports: () => [entry({ id: 'e2', status: 'running', progress: { step: 'ledger.csv', done: 5, total: 10 } })],
      get_retention: () => retention(),
      follow_org_export: () => orgExport({ id: 'e2', status: 'failed', error: 'The disk is full.' }),
    });
    page();
    await vi.waitFor(() => expect(calls.of('follow_org_export')).toEqual([expect.objectContaining({ orgId: 'o1', exportId: 'e2' })]));
    expect(await screen.findByTestId('data-export-error')).toHaveTextContent('The disk is full.');
  });

  it('offline, saves only what is kept on this computer and starts nothing', async () => {
    connectivity.status = status({ online: false });
    backend({
      list_org_exports: () => [entry({ id: 'k' }, true), entry({ id: 'n' }, false)],
      get_retention: () => retention(),
    });
    page();
    const rows = await screen.findAllByTestId('data-export-row');
    const save = (i: number) => rows[i]!.querySelector('[data-testid=data-export-save]') as HTMLButtonElement;
    expect(save(0)).toBeEnabled();
    expect(save(1)).toBeDisabled();
    expect(screen.getByTestId('data-export-start')).toBeDisabled();
  });
});

describe('Settings → Data: reading', () => {
  it('reads once per org, not again when the contexts hand it a new copy of the same org', async () => {
    const calls = backend({
      list_org_exports: () => fail({ code: 'not_found', message: 'This API has no such route.' }),
      get_retention: () => fail({ code: 'not_found', message: 'This API has no such route.' }),
    });
    const { rerender } = page();
    await screen.findByTestId('retention-load-error');
    await rerender({ membership: membership(org({ id: 'o1' }), 'admin') });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.of('list_org_exports')).toHaveLength(1);
    expect(calls.of('get_retention')).toHaveLength(1);
  });
});

describe('Settings → Data: retention', () => {
  it('shows each kind with the plan’s bounds, checks them as you type, and saves the whole policy', async () => {
    const calls = backend({
      list_org_exports: () => [],
      get_retention: () => retention(),
      update_retention: (a) => {
        const s = retention();
        return { ...s, policy: a.policy, rules: s.rules.map((r) => ({ ...r, days: (a.policy as Record<string, number>)[r.kind]! })) };
      },
    });
    const user = userEvent.setup();
    page();
    const audit = await screen.findByLabelText('Audit log');
    expect(screen.getByTestId('retention-audit_log')).toHaveTextContent('7 to 30 days on this plan (default 30)');
    expect(screen.getByTestId('retention-save')).toBeDisabled();
    await user.clear(audit);
    await user.type(audit, '45');
    expect(screen.getByTestId('field-error-audit_log')).toHaveTextContent('Use 7 to 30 days on this plan.');
    expect(screen.getByTestId('retention-save')).toBeDisabled();
    await user.clear(audit);
    await user.type(audit, '14');
    expect(screen.queryByTestId('field-error-audit_log')).toBeNull();
    await user.click(screen.getByTestId('retention-save'));
    await vi.waitFor(() => expect(calls.of('update_retention')).toHaveLength(1));
    expect(calls.of('update_retention')[0]).toEqual({
      orgId: 'o1',
      policy: { audit_log: 14, usage_events: 90, webhook_deliveries: 30, mail_copies: 30, archived_projects: 90 },
    });
    await vi.waitFor(() => expect(toasts.at(-1)?.message).toBe('Retention periods saved.'));
    expect(screen.getByTestId('retention-save')).toBeDisabled();
  });

  it('keeps what was typed when the server refuses, with its message on the field', async () => {
    backend({
      list_org_exports: () => [],
      get_retention: () => retention(),
      update_retention: () => fail({ code: 'validation_failed', message: 'Keep usage events 7 to 90 days on the Free plan.', field: 'usage_events' }),
    });
    const user = userEvent.setup();
    page();
    const usage = await screen.findByLabelText('Usage events');
    await user.clear(usage);
    await user.type(usage, '60');
    await user.click(screen.getByTestId('retention-save'));
    expect(await screen.findByTestId('field-error-usage_events')).toHaveTextContent('Keep usage events 7 to 90 days');
    expect(usage).toHaveValue(60);
  });

  it('says a read-only org refuses, keeping the input', async () => {
    backend({
      list_org_exports: () => [],
      get_retention: () => retention(),
      update_retention: () => fail({ code: 'org_pending_deletion', message: 'This organization is scheduled for deletion.' }),
    });
    const user = userEvent.setup();
    page();
    const mail = await screen.findByLabelText('Mail copies');
    await user.clear(mail);
    await user.type(mail, '10');
    await user.click(screen.getByTestId('retention-save'));
    expect(await screen.findByTestId('retention-error')).toHaveTextContent('read-only');
    expect(mail).toHaveValue(10);
  });
});

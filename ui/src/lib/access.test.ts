import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backend, fail, membership, org, reset } from '../test/ipc';
import { commands } from './bindings';
import { callOrg } from './access';
import { toasts } from './toast.svelte';
import { workspace } from './workspace.svelte';

const personal = membership(org({ id: 'p', kind: 'personal', name: 'Ana Lima', slug: 'personal-ana' }));
const acme = membership(org({ id: 'a', name: 'Acme Studio', slug: 'acme' }), 'member');

beforeEach(() => {
  workspace.contexts = [personal, acme];
  workspace.currentId = 'a';
  workspace.page = 'projects';
  toasts.splice(0);
});
afterEach(reset);

describe('callOrg', () => {
  it('lands in Personal with a message when the current org is gone', async () => {
    backend({
      list_projects: () => fail({ code: 'not_found', message: 'Not found' }),
      list_contexts: () => [personal],
      save_location: () => null,
    });
    await expect(callOrg('a', commands.listProjects('a'))).rejects.toMatchObject({ code: 'not_found' });
    expect(workspace.currentId).toBe('p');
    expect(workspace.page).toBe('overview');
    expect(toasts.map((t) => t.message)).toEqual(['You no longer have access to Acme Studio.']);
  });

  it('stays put when only the thing asked for is gone (a deleted project)', async () => {
    backend({
      delete_project: () => fail({ code: 'not_found', message: 'No such project' }),
      list_contexts: () => [personal, acme],
    });
    await expect(callOrg('a', commands.deleteProject('a', 'x', 'x'))).rejects.toMatchObject({ code: 'not_found' });
    expect(workspace.currentId).toBe('a');
    expect(toasts).toHaveLength(0);
  });

  it('says it once when several requests fail together', async () => {
    backend({
      list_projects: () => fail({ code: 'not_found', message: 'Not found' }),
      list_contexts: () => [personal],
      save_location: () => null,
    });
    await Promise.allSettled([callOrg('a', commands.listProjects('a')), callOrg('a', commands.listProjects('a'))]);
    expect(toasts).toHaveLength(1);
  });
});

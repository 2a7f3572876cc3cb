import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, reset } from '../../test/ipc';
import { workspace } from '../../lib/workspace.svelte';
import AuthScreen from './AuthScreen.svelte';

afterEach(reset);

describe('AuthScreen', () => {
  it('signs up on the server the user typed and enters the workspace', async () => {
    const me = {
      user: { id: 'u1', email: 'ana@example.com', display_name: 'Ana', created_at: '2026-11-25T10:00:00Z' },
      personal_org_id: 'p1',
      session_expires_at: '2026-12-25T10:00:00Z',
    };
    const calls = backend({
      sign_up: () => ({ me, server: { kind: 'remote', url: 'http://s' }, token_storage: { kind: 'keychain' }, location: null }),
      list_contexts: () => [],
    });
    const user = userEvent.setup();
    render(AuthScreen);
    await user.click(screen.getByTestId('auth-mode-signup'));
    await user.type(screen.getByLabelText('Your name'), 'Ana');
    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'long enough pw');
    await user.click(screen.getByTestId('auth-server-toggle'));
    await user.type(screen.getByLabelText('Server address'), 'http://s');
    await user.click(screen.getByTestId('auth-submit'));

    expect(calls.of('sign_up')[0]).toEqual({
      input: { server_url: 'http://s', email: 'ana@example.com', password: 'long enough pw', display_name: 'Ana' },
    });
    await vi.waitFor(() => expect(workspace.phase).toBe('signed-in'));
  });

  it('shows a server validation error on its field and keeps the input', async () => {
    backend({
      sign_in: () => fail({ code: 'validation_failed', message: 'Enter an email address.', field: 'email' }),
    });
    const user = userEvent.setup();
    render(AuthScreen);
    await user.click(screen.getByTestId('auth-mode-signin'));
    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.type(screen.getByLabelText('Password'), 'whatever12');
    await user.click(screen.getByTestId('auth-submit'));

    expect(await screen.findByTestId('field-error-email')).toHaveTextContent('Enter an email address.');
    expect(screen.getByLabelText('Email')).toHaveValue('not-an-email');
    expect(screen.queryByTestId('auth-error')).toBeNull();
  });

  it('says plainly when the server cannot be reached', async () => {
    backend({
      sign_in: () => fail({ code: 'server_unreachable', message: 'The server cannot be reached.' }),
    });
    const user = userEvent.setup();
    render(AuthScreen);
    await user.click(screen.getByTestId('auth-mode-signin'));
    await user.type(screen.getByLabelText('Email'), 'a@b.co');
    await user.type(screen.getByLabelText('Password'), 'whatever12');
    await user.click(screen.getByTestId('auth-submit'));
    expect(await screen.findByTestId('auth-error')).toHaveTextContent('cannot be reached');
  });
});

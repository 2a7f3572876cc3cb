import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, reset } from '../../test/ipc';
import type { SessionInfo } from '../../lib/bindings';
import { workspace } from '../../lib/workspace.svelte';
import { AuthScreen } from '../auth';

afterEach(() => {
  cleanup();
  reset();
});

const session: SessionInfo = {
  me: {
    user: { id: 'u1', email: 'bo@acme.test', display_name: 'Bo', created_at: '2026-11-25T10:00:00Z' },
    personal_org_id: 'p1',
    session_expires_at: '2026-12-25T10:00:00Z',
    email_verified: true,
  },
  server: { kind: 'remote', url: 'http://s' },
  token_storage: { kind: 'keychain' },
  location: null,
};

/** A command that answers only when the test says so. */
function later<T>() {
  let answer!: (v: T) => void;
  let refuse!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    answer = res;
    refuse = rej;
  });
  return { promise, answer, refuse };
}

describe('Continue with SSO', () => {
  it('asks for the email, waits for the browser, and enters the workspace signed in', async () => {
    const browser = later<SessionInfo>();
    const calls = backend({ sign_in_with_sso: () => browser.promise, list_contexts: () => [] });
    const user = userEvent.setup();
    render(AuthScreen);

    await user.click(screen.getByTestId('auth-sso'));
    const email = screen.getByLabelText('Work email');
    expect(email).toHaveFocus();
    await user.type(email, 'bo@acme.test{Enter}');

    expect(await screen.findByTestId('sso-waiting')).toHaveTextContent('Finish signing in in your browser…');
    expect(calls.of('sign_in_with_sso')[0]).toEqual({ input: { server_url: null, email: 'bo@acme.test' } });
    browser.answer(session);
    await vi.waitFor(() => expect(workspace.phase).toBe('signed-in'));
  });

  it('checks the email first, and shows what the server refused inline, keeping it', async () => {
    backend({
      sign_in_with_sso: () =>
        fail({ code: 'sso_not_configured', message: 'Single sign-on is not set up for this address.' }),
    });
    const user = userEvent.setup();
    render(AuthScreen);
    await user.click(screen.getByTestId('auth-sso'));
    await user.click(screen.getByTestId('sso-continue'));
    expect(screen.getByTestId('field-error-sso_email')).toHaveTextContent('Enter your work email address.');

    await user.type(screen.getByLabelText('Work email'), 'ana@gmail.test');
    await user.click(screen.getByTestId('sso-continue'));
    expect(await screen.findByTestId('sso-error')).toHaveTextContent(/not set up for this address.*password instead/);
    expect(screen.getByLabelText('Work email')).toHaveValue('ana@gmail.test');
  });

  it('Cancel stops waiting without an error, and back leads to the password form', async () => {
    const browser = later<SessionInfo>();
    const calls = backend({ sign_in_with_sso: () => browser.promise, cancel_sso: () => null });
    const user = userEvent.setup();
    render(AuthScreen);
    await user.click(screen.getByTestId('auth-sso'));
    await user.type(screen.getByLabelText('Work email'), 'bo@acme.test');
    await user.click(screen.getByTestId('sso-continue'));
    await user.click(await screen.findByTestId('sso-cancel'));
    expect(calls.of('cancel_sso')).toHaveLength(1);
    browser.refuse({ code: 'sso_failed', message: 'Signing in with single sign-on was cancelled.' });
    expect(await screen.findByTestId('sso-step')).toBeInTheDocument();
    expect(screen.queryByTestId('sso-error')).toBeNull();

    await user.click(screen.getByTestId('sso-back'));
    expect(screen.getByLabelText('Password')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('bo@acme.test');
  });
});

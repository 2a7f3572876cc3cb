import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, reset } from '../../test/ipc';
import { workspace } from '../../lib/workspace.svelte';
import AuthScreen from './AuthScreen.svelte';

afterEach(() => {
  reset();
  workspace.phase = 'signed-out';
});

const me = {
  user: { id: 'u1', email: 'ana@example.com', display_name: 'Ana', created_at: '2026-11-25T10:00:00Z' },
  personal_org_id: 'p1',
  session_expires_at: '2026-12-25T10:00:00Z',
  email_verified: true,
};
const session = { me, server: { kind: 'remote', url: 'http://s' }, token_storage: { kind: 'keychain' }, location: null };
const twoFactor = { kind: 'two_factor', email: 'ana@example.com', expires_at: '2026-11-25T10:05:00Z' };

async function signIn(user: ReturnType<typeof userEvent.setup>) {
  render(AuthScreen);
  await user.click(screen.getByTestId('auth-mode-signin'));
  await user.clear(screen.getByLabelText('Email'));
  await user.type(screen.getByLabelText('Email'), 'ana@example.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await user.click(screen.getByTestId('auth-submit'));
  return screen.findByTestId('two-factor-step');
}

describe('the two-factor step at sign-in', () => {
  it('asks for a code after the password, and a right code signs in', async () => {
    const calls = backend({
      sign_in: () => twoFactor,
      sign_in_two_factor: () => session,
      list_contexts: () => [],
    });
    const user = userEvent.setup();
    const step = await signIn(user);
    expect(step).toHaveTextContent('ana@example.com');
    expect(screen.queryByLabelText('Password')).toBeNull();
    const code = screen.getByTestId('two-factor-code');
    expect(code).toHaveFocus();
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await user.type(code, '123456{Enter}');
    expect(calls.of('sign_in_two_factor')[0]).toEqual({ input: { code: '123456', recovery_code: null } });
    await vi.waitFor(() => expect(workspace.phase).toBe('signed-in'));
  });

  it('shows a wrong code on the field and keeps the step; a recovery code may be used instead', async () => {
    let attempt = 0;
    const calls = backend({
      sign_in: () => twoFactor,
      sign_in_two_factor: () => {
        attempt += 1;
        if (attempt === 1) fail({ code: 'invalid_two_factor_code', message: 'That code is not right, or it was already used.' });
        return session;
      },
      list_contexts: () => [],
    });
    const user = userEvent.setup();
    await signIn(user);
    await user.type(screen.getByTestId('two-factor-code'), '000000');
    await user.click(screen.getByTestId('two-factor-submit'));
    expect(await screen.findByTestId('field-error-two_factor_code')).toHaveTextContent('not right');
    expect(screen.getByTestId('two-factor-step')).toBeInTheDocument();

    await user.click(screen.getByTestId('two-factor-use-recovery'));
    expect(screen.getByLabelText('Recovery code')).toHaveValue('');
    await user.type(screen.getByLabelText('Recovery code'), 'abcde-fghij');
    await user.click(screen.getByTestId('two-factor-submit'));
    expect(calls.of('sign_in_two_factor')[1]).toEqual({ input: { code: null, recovery_code: 'abcde-fghij' } });
    await vi.waitFor(() => expect(workspace.phase).toBe('signed-in'));
  });

  it('says when there were too many attempts', async () => {
    backend({
      sign_in: () => twoFactor,
      sign_in_two_factor: () => fail({ code: 'rate_limited', message: 'Too many attempts. Try again in 15 minutes.' }),
    });
    const user = userEvent.setup();
    await signIn(user);
    await user.type(screen.getByTestId('two-factor-code'), '123456{Enter}');
    expect(await screen.findByTestId('two-factor-error')).toHaveTextContent('Try again in 15 minutes');
    expect(screen.getByTestId('two-factor-step')).toBeInTheDocument();
  });

  it('goes back to the password when the sign-in expired, saying why', async () => {
    backend({
      sign_in: () => twoFactor,
      sign_in_two_factor: () =>
        fail({ code: 'mfa_challenge_expired', message: 'This sign-in took too long or was already finished. Sign in again.' }),
    });
    const user = userEvent.setup();
    await signIn(user);
    await user.type(screen.getByTestId('two-factor-code'), '123456{Enter}');
    expect(await screen.findByTestId('auth-error')).toHaveTextContent('took too long');
    expect(screen.queryByTestId('two-factor-step')).toBeNull();
    expect(screen.getByLabelText('Email')).toHaveValue('ana@example.com');
  });

  it('returns to the password with Back', async () => {
    backend({ sign_in: () => twoFactor });
    const user = userEvent.setup();
    await signIn(user);
    await user.click(screen.getByTestId('two-factor-back'));
    expect(screen.queryByTestId('two-factor-step')).toBeNull();
    expect(screen.getByTestId('auth-submit')).toBeInTheDocument();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { backend, fail, reset } from '../../test/ipc';
import { applyTheme, startTheme, theme } from '../../lib/theme.svelte';
import { toasts } from '../../lib/toast.svelte';
import AppearanceSection from './AppearanceSection.svelte';

const root = document.documentElement;

afterEach(() => {
  reset();
  applyTheme('system');
  vi.unstubAllGlobals();
});

describe('the theme', () => {
  it('is applied to <html> at once when chosen, and kept by the app', async () => {
    const calls = backend({ set_theme: () => null });
    render(AppearanceSection);
    const dark = screen.getByRole('radio', { name: 'Dark' });
    expect(screen.getByRole('radio', { name: 'System' })).toBeChecked();
    expect(root.dataset.theme).toBeUndefined();

    await userEvent.click(dark);
    expect(root.dataset.theme).toBe('dark');
    expect(theme.shade).toBe('dark');
    expect(root.dataset.shade).toBe('dark');
    expect(dark).toBeChecked();
    expect(calls.of('set_theme')).toEqual([{ theme: 'dark' }]);

    await userEvent.click(screen.getByRole('radio', { name: 'Light' }));
    expect(root.dataset.theme).toBe('light');
    await userEvent.click(screen.getByRole('radio', { name: 'System' }));
    expect(root.dataset.theme, 'System leaves it to prefers-color-scheme').toBeUndefined();
    expect(calls.of('set_theme').map((a) => a.theme)).toEqual(['dark', 'light', 'system']);
  });

  it('moves with the arrow keys, as one radio group', async () => {
    backend({ set_theme: () => null });
    render(AppearanceSection);
    screen.getByRole('radio', { name: 'System' }).focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(screen.getByRole('radio', { name: 'Light' })).toBeChecked();
    expect(root.dataset.theme).toBe('light');
  });

  it('starts from the choice the app kept, and "System" follows the desktop', async () => {
    vi.stubGlobal('matchMedia', (q: string) => ({
      matches: q === '(prefers-color-scheme: dark)',
      media: q,
      addEventListener: () => {},
      removeEventListener: () => {},
    }));
    backend({ get_theme: () => 'dark' });
    await startTheme();
    expect(root.dataset.theme).toBe('dark');
    expect(theme.choice).toBe('dark');

    backend({ get_theme: () => 'system' });
    await startTheme();
    expect(root.dataset.theme).toBeUndefined();
    expect(theme.shade, 'a dark desktop').toBe('dark');
  });

  it('still shows the choice when the app cannot keep it, and says so', async () => {
    backend({ set_theme: () => fail({ code: 'local_storage', message: 'disk full', field: null }) });
    render(AppearanceSection);
    await userEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(root.dataset.theme).toBe('dark');
    expect(toasts.at(-1)?.message).toContain('could not be kept for next time');
  });
});

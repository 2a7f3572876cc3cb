import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import Progress from './Progress.svelte';

afterEach(cleanup);

describe('Progress', () => {
  it('runs without an end, saying the bytes written', () => {
    render(Progress, { props: { label: 'Exporting CSV…', bytes: 2048, testid: 'p' } });
    const bar = screen.getByRole('progressbar', { name: 'Exporting CSV…' });
    expect(bar).not.toHaveAttribute('aria-valuenow');
    expect(bar).toHaveAttribute('aria-valuetext', '2.0 KB written');
    expect(screen.getByTestId('p')).toHaveTextContent('Exporting CSV… 2.0 KB written');
  });

  it('fills to a known percentage', () => {
    render(Progress, { props: { label: 'Downloading…', percent: 42.4 } });
    const bar = screen.getByRole('progressbar', { name: 'Downloading…' });
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(bar).toHaveAttribute('aria-valuemin', '0');
    expect(bar).toHaveAttribute('aria-valuemax', '100');
    expect(bar).toHaveAttribute('aria-valuetext', '42%');
  });

  it('says nothing of bytes before any are written', () => {
    render(Progress, { props: { label: 'Saving PDF…', testid: 'p' } });
    expect(screen.getByTestId('p')).toHaveTextContent(/^Saving PDF…$/);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { backend, reset } from '../test/ipc';
import { startupMark, startupPainted } from './startup';

afterEach(reset);

describe('startup marks', () => {
  it('are reported once, after the first screen is on the glass', async () => {
    const calls = backend({ report_startup: () => null });
    startupMark('script');
    startupMark('restored');
    startupMark('script'); // the first time counts
    startupPainted('overview');
    startupPainted('sign-in'); // too late: the first screen was the overview
    startupMark('late');
    expect(calls.of('report_startup')).toHaveLength(0); // not before the frame is drawn
    await vi.waitFor(() => expect(calls.of('report_startup')).toHaveLength(1));
    const report = calls.of('report_startup')[0] ?? {};
    const marks = report.marks as { name: string; at_ms: number }[];
    expect(marks.map((m) => m.name)).toEqual(['script', 'restored', 'overview', 'overview-painted']);
    const times = marks.map((m) => m.at_ms);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(report.originMs).toBe(performance.timeOrigin);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.of('report_startup')).toHaveLength(1);
  });
});

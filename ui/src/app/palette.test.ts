// Both palettes, read from the stylesheets: body text and the coloured text people read
// (links, notices, badges, buttons) reach 4.5:1 against the surfaces they sit on (WCAG AA).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

/** The `--name: #hex;` tokens of the first block after `selector`. */
function tokens(text: string, selector: string): Record<string, string> {
  const start = text.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block`);
  const block = text.slice(start, text.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6});/gi)].map((m) => [m[1]!, m[2]!]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const light = tokens(css('./app.css'), ':root');
const dark = { ...light, ...tokens(css('./dark.css'), ":root[data-theme='dark']") };
const darkBySystem = { ...light, ...tokens(css('./dark.css'), ":root:not([data-theme='light'])") };

// [text, surface]
const PAIRS: [string, string][] = [
  ['text', 'bg'],
  ['text', 'bg-subtle'],
  ['text', 'bg-sidebar'],
  ['text', 'bg-hover'],
  ['text', 'bg-active'],
  ['text-muted', 'bg'],
  ['text-muted', 'bg-subtle'],
  ['text-muted', 'bg-sidebar'],
  ['accent', 'bg'],
  ['accent', 'accent-soft'],
  ['accent-text', 'accent'],
  ['danger', 'bg'],
  ['danger', 'danger-soft'],
  ['danger-text', 'danger'],
  ['warning', 'warning-soft'],
  ['success', 'bg'],
  ['success', 'success-soft'],
  ['text', 'warning-soft'],
  ['tint-teal', 'tint-teal-soft'],
  ['tint-indigo', 'tint-indigo-soft'],
  ['tint-amber', 'tint-amber-soft'],
  ['tint-pink', 'tint-pink-soft'],
  ['tint-blue', 'tint-blue-soft'],
  ['tint-violet', 'tint-violet-soft'],
];

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s palette', (_, palette) => {
  it.each(PAIRS)('%s on %s reads at 4.5:1 or more', (text, surface) => {
    const [fg, bg] = [palette[text], palette[surface]];
    expect(fg, `--${text}`).toMatch(/^#/);
    expect(bg, `--${surface}`).toMatch(/^#/);
    expect(contrast(fg!, bg!)).toBeGreaterThanOrEqual(4.5);
  });
});

it('dark by the desktop is the same palette as dark by choice', () => {
  expect(darkBySystem).toEqual(dark);
});

import { describe, expect, it } from 'vitest';
import { useDesktopFonts } from './fonts';

const webkitGtk = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
const macos = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const windows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

describe('desktop fonts', () => {
  it('are used in the Linux webview only', () => {
    const marked = (ua: string) => {
      const root = document.createElement('html');
      useDesktopFonts(root, ua);
      return root.dataset.fonts ?? null;
    };
    expect(marked(webkitGtk)).toBe('desktop');
    expect(marked(macos)).toBeNull();
    expect(marked(windows)).toBeNull();
    expect(marked(android)).toBeNull();
  });
});

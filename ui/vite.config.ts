import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The desktop app embeds `dist/`; the dev server is only for `tauri dev`.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari16',
    sourcemap: false,
    // WebKitGTK knows <link rel="modulepreload">; where it would not, the import still works.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // A page fetched on first visit (features/<x>/page.ts) is named by its feature.
        chunkFileNames: (chunk) => `assets/${chunk.facadeModuleId?.match(/features\/([^/]+)\/page\.ts$/)?.[1] ?? '[name]'}-[hash].js`,
      },
    },
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.ts'],
  },
});

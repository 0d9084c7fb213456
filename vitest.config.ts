import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (Node, with happy-dom per file where a DOM is
// needed) and browser tests that drive Debian's Chromium through playwright-core.
// Browser tests run one file at a time: two cores, and each page compiles wasm.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          globalSetup: ['test/browser/global-setup.ts'],
        },
      },
    ],
  },
});

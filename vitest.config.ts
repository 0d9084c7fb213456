import { defineConfig } from 'vitest/config';

// Three projects over one test tree that mirrors the source tree (test/core, test/sdk, test/worker, …):
// fast unit tests in Node (*.test.ts, with happy-dom or fake-indexeddb where needed), browser tests
// (*.browser.test.ts) that drive Debian's Chromium through playwright-core, and package tests
// (*.package.test.ts: the built npm packages packed and installed). Browser and package tests run one
// file at a time: two cores, and each page compiles wasm. Both build first, once per run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/**/*.package.test.ts', 'node_modules/**'],
          setupFiles: ['test/support/unit-setup.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          globalSetup: ['test/support/browser/global-setup.ts'],
        },
      },
      {
        // The npm packages as a shop gets them: packed, installed offline into a new project, type-checked.
        test: {
          name: 'package',
          include: ['test/**/*.package.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          globalSetup: ['test/support/browser/global-setup.ts'],
        },
      },
    ],
  },
});

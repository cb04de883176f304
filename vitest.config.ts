import { defineConfig } from 'vitest/config';

// One runner for unit, integration and e2e tests. Real ONNX sessions, sharp and Chromium are slow on
// 2 cores, so timeouts are generous and files run in a small pool.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});

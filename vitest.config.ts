import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One runner for unit, integration and e2e tests. Real ONNX sessions, sharp and Chromium are slow on
// 2 cores, so timeouts are generous and files run in a small pool.
export default defineConfig({
  // The renderer's alias for the code it shares with main (src-renderer/tsconfig.json, vite.config.ts).
  resolve: { alias: { '@core': fileURLToPath(new URL('./src-main/core', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});

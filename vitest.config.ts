import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Real processes start slowly on two busy cores (tsx compiles the sources at start-up).
    hookTimeout: 90_000,
    // End-to-end tests start real processes on loopback ports; two cores do not gain from more workers.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
